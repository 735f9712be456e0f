/* Photos are shrunk on the phone before they are kept and uploaded: a phone camera's
 * 5-12 MB becomes a few hundred KB, so one photo never stalls the report on a weak
 * connection. Re-encoding through a canvas also drops EXIF (location, camera serial).
 */
(function (field) {
  "use strict";

  var LONGEST_SIDE = 1600;
  var QUALITY = 0.85;

  function load(file) {
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var image = new Image();
      image.onload = function () { resolve({ image: image, url: url }); };
      image.onerror = function () { URL.revokeObjectURL(url); reject(new Error("not an image this browser can read")); };
      image.src = url; // <img> applies the EXIF orientation, so the result is upright
    });
  }

  function bytesOf(blob) {
    if (blob.arrayBuffer) return blob.arrayBuffer();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(blob);
    });
  }

  /* {bytes: ArrayBuffer, type, width, height}: a JPEG at most 1600 px on its longest side.
     A format the browser cannot draw (HEIC on Android) is kept as it is: the server reads it. */
  async function shrink(file) {
    var loaded;
    try {
      loaded = await load(file);
    } catch (error) {
      return { bytes: await bytesOf(file), type: file.type || "application/octet-stream", width: 0, height: 0 };
    }
    var image = loaded.image;
    var scale = Math.min(1, LONGEST_SIDE / Math.max(image.naturalWidth, image.naturalHeight));
    var width = Math.max(1, Math.round(image.naturalWidth * scale));
    var height = Math.max(1, Math.round(image.naturalHeight * scale));
    var canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(image, 0, 0, width, height);
    URL.revokeObjectURL(loaded.url);
    var blob = await new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", QUALITY); });
    canvas.width = canvas.height = 0; // frees the bitmap at once on iOS
    if (!blob) return { bytes: await bytesOf(file), type: file.type, width: 0, height: 0 };
    return { bytes: await bytesOf(blob), type: "image/jpeg", width: width, height: height };
  }

  field.photos = { shrink: shrink, LONGEST_SIDE: LONGEST_SIDE };
})(window.ShopperField = window.ShopperField || {});
