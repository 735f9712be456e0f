// The checklist builder: edits the draft document in place, saves it whole to the
// server, lists what blocks publishing and refreshes the phone preview.
//
// The page (templates/checklists/builder.html) embeds three JSON blocks: the draft
// document, the URLs and choices, and the translated strings. Every input carries
// data-path (e.g. sections[1].questions[0].points) so the server's problems can
// point at it. DOM is built with createElement/textContent only; the one piece of
// HTML inserted as is, is the server's own preview fragment.

const byId = (id) => document.getElementById(id);
const readJson = (id) => JSON.parse(byId(id).textContent);

const doc = readJson("builder-document");
const config = readJson("builder-config");
const strings = readJson("builder-strings");

// The format's limits, keys and defaults come from the page (built in Python from
// shopper/domain/checklist_format.py), so an input stops where the server would
// refuse; the server still checks everything.
const { limits: LIMITS, keys: KEYS, defaults: DEFAULTS } = config;
const SAVE_DELAY = 600;
const RETRY_DELAYS = [1000, 2000, 4000, 8000, 15000, 30000];
const SIGNED_OUT_RETRY = 15000;

// Which keys a question of each type takes; the rest are dropped when the type
// changes, so the document never keeps keys that break a rule.
const COMMON_QUESTION_KEYS = KEYS.question;
const TYPE_KEYS = KEYS.types;
const TYPE_SPECIFIC_KEYS = new Set(Object.values(TYPE_KEYS).flat());

const root = byId("builder-root");
const statusLine = byId("builder-status");
const notice = byId("builder-notice");
const totalLine = byId("builder-total");
const problemList = byId("builder-problems-list");
const noProblems = byId("builder-problems-none");
const pendingProblems = byId("builder-problems-pending");
const previewPane = byId("builder-preview");
const previewNote = byId("builder-preview-note");
const publishForm = byId("builder-publish");
const publishButton = publishForm.querySelector("button");
const discardForm = byId("builder-discard");
const announcer = byId("builder-announce");
const storageKey = `shopper-builder:${config.code}:${config.draft_number}`;
const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined, {
  maximumFractionDigits: 2,
});

let csrfToken = document.querySelector('meta[name="csrf-token"]').content;
let problems = readInitialProblems();
// A problem shows beside its field once the coordinator has touched that part of the
// checklist (or tried to publish: the refused page shows them all), not before.
const touched = new Set();
let showAllProblems = problemList.dataset.showAll === "true";
let lastAnswer = null;
const collapsed = new WeakSet();
const startingCodes = codesIn(doc);

// ---------------------------------------------------------------------------
// Small helpers

function fmt(template, params) {
  return template.replace(/%\((\w+)\)s/g, (match, name) => (name in params ? String(params[name]) : match));
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "className") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

function parsePath(path) {
  const parts = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    parts.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return parts;
}

function joinPath(parts) {
  return parts.map((part, i) => (typeof part === "number" ? `[${part}]` : i ? `.${part}` : part)).join("");
}

function locate(path) {
  const parts = parsePath(path);
  const key = parts.pop();
  let parent = doc;
  for (const part of parts) parent = parent[part];
  return [parent, key];
}

function indexesOf(path) {
  return parsePath(path).filter((part) => typeof part === "number");
}

function controlId(path) {
  return `b-${path.replace(/[^A-Za-z0-9_]+/g, "-")}`;
}

function sections() {
  if (!Array.isArray(doc.sections)) doc.sections = [];
  return doc.sections;
}

function questionsOf(section) {
  if (!Array.isArray(section.questions)) section.questions = [];
  return section.questions;
}

function optionsOf(question) {
  if (!Array.isArray(question.options)) question.options = [];
  return question.options;
}

// Results are matched by code across versions, so a generated code never
// reuses one the draft started with (a deleted question must not come back
// under its old code with another meaning).
function codesIn(document) {
  const codes = { sections: new Set(), questions: new Set(), options: new Map() };
  for (const section of Array.isArray(document.sections) ? document.sections : []) {
    codes.sections.add(section.code);
    for (const question of Array.isArray(section.questions) ? section.questions : []) {
      codes.questions.add(question.code);
      const options = Array.isArray(question.options) ? question.options : [];
      codes.options.set(question.code, new Set(options.map((option) => option.code)));
    }
  }
  return codes;
}

function uniqueCode(prefix, taken, start) {
  let number = start;
  while (taken.has(`${prefix}-${number}`)) number += 1;
  return `${prefix}-${number}`;
}

function allQuestions() {
  return sections().flatMap((section) => (Array.isArray(section.questions) ? section.questions : []));
}

function formatPoints(value) {
  return numberFormat.format(value);
}

function announce(text) {
  announcer.textContent = "";
  requestAnimationFrame(() => {
    announcer.textContent = text;
  });
}

// JSON with sorted keys: the page embeds the document with sorted keys, the
// browser keeps insertion order, and both must compare equal when they are.
function stableJson(value) {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------
// Fields: one labelled control per key, addressed by data-path

function wrapField(control, label, { check = false } = {}) {
  const labelNode = el("label", { for: control.id, text: label });
  return check
    ? el("div", { className: "field field-check" }, control, labelNode)
    : el("div", { className: "field" }, labelNode, control);
}

function describe(control, id) {
  const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
  if (!ids.includes(id)) control.setAttribute("aria-describedby", [...ids, id].join(" "));
}

function textField(path, label, value, options = {}) {
  const { limit, multiline = false, rows = 2, content = false, codeHint = false } = options;
  const control = multiline ? el("textarea", { rows }) : el("input", { type: "text" });
  control.id = controlId(path);
  control.value = typeof value === "string" ? value : "";
  control.dataset.path = path;
  control.dataset.kind = "text";
  if (limit) control.maxLength = limit;
  if (content) {
    // What the coordinator writes may be in another script than the interface.
    control.dir = "auto";
    control.lang = doc.language || "en";
  } else {
    control.spellcheck = false;
    control.autocapitalize = "off";
  }
  if (codeHint) describe(control, "b-code-hint");
  return wrapField(control, label);
}

function numberField(path, label, value, { integer = false } = {}) {
  const control = el("input", {
    type: "number",
    step: integer ? "1" : "any",
    inputmode: integer ? "numeric" : "decimal",
  });
  if (!integer) {
    control.min = "0";
    control.max = String(LIMITS.points);
  }
  control.id = controlId(path);
  control.value = typeof value === "number" ? String(value) : "";
  control.dataset.path = path;
  control.dataset.kind = integer ? "integer" : "number";
  const field = wrapField(control, label);
  field.classList.add("field-number");
  return field;
}

function checkField(path, label, checked) {
  const control = el("input", { type: "checkbox" });
  control.id = controlId(path);
  control.checked = Boolean(checked);
  control.dataset.path = path;
  control.dataset.kind = "boolean";
  return wrapField(control, label, { check: true });
}

function selectField(path, label, value, choices, kind = "select") {
  const control = el("select");
  // A value the choices lack (a broken import) is shown as it is, not hidden
  // behind the first choice, so its problem can be seen and fixed.
  const known = choices.some(([choice]) => choice === value);
  const current = value === undefined ? "" : String(value);
  const all = known ? choices : [...choices, [current, current || "—"]];
  for (const [choice, text] of all) {
    const option = el("option", { value: choice, text });
    option.selected = choice === current;
    control.append(option);
  }
  control.id = controlId(path);
  control.dataset.path = path;
  control.dataset.kind = kind;
  return wrapField(control, label);
}

function toolButton(action, path, text, label, { focusKey, delta, disabled = false, danger = false } = {}) {
  const button = el("button", {
    type: "button",
    className: `button button-small ${danger ? "button-danger" : "button-secondary"}`,
    "aria-label": label,
    title: label,
    text,
  });
  button.dataset.action = action;
  button.dataset.target = path;
  button.dataset.focus = focusKey;
  if (delta) button.dataset.delta = String(delta);
  button.disabled = disabled;
  return button;
}

function addButton(action, listPath, text) {
  const button = el("button", { type: "button", className: "button button-secondary b-add", text });
  button.dataset.action = action;
  button.dataset.target = listPath;
  // A problem with the list itself ("needs at least one question") points here.
  button.dataset.path = listPath;
  button.dataset.focus = `${listPath}/add`;
  return button;
}

function moveTools(kind, path, number, { first, last }) {
  return el(
    "div",
    { className: "b-tools" },
    toolButton(`move-${kind}`, path, "↑", fmt(strings[`move_${kind}_up`], { number }), {
      focusKey: `${path}/up`,
      delta: -1,
      disabled: first,
    }),
    toolButton(`move-${kind}`, path, "↓", fmt(strings[`move_${kind}_down`], { number }), {
      focusKey: `${path}/down`,
      delta: 1,
      disabled: last,
    }),
    toolButton(`delete-${kind}`, path, strings.delete, fmt(strings[`delete_${kind}`], { number }), {
      focusKey: `${path}/delete`,
      danger: true,
    }),
  );
}

// Keys the editor does not show for this object (an imported draft may carry
// them): each gets a line with a Remove button, so its problem can be fixed.
function strayKeys(object, path, shown, allowedWhenFalse = []) {
  const rows = Object.keys(object)
    .filter((key) => !shown.includes(key) && !(allowedWhenFalse.includes(key) && object[key] === false))
    .map((key) => {
      const keyPath = path ? `${path}.${key}` : key;
      const text = fmt(strings.remove_key, { key });
      const button = toolButton("remove-key", keyPath, text, text, { focusKey: `${keyPath}/remove`, danger: true });
      button.dataset.path = keyPath;
      return el("li", {}, el("span", { text: fmt(strings.stray_key, { key }) }), " ", button);
    });
  return rows.length ? el("ul", { className: "b-stray" }, ...rows) : null;
}

function smallButton(text) {
  return el("button", { type: "button", className: "button button-small button-secondary", text });
}

function errorSlot() {
  return el("div", { className: "b-errors" });
}

// ---------------------------------------------------------------------------
// Rendering: one function per level

function render(focusKeys = []) {
  let numberBefore = 0;
  const sectionNodes = sections().map((section, i) => {
    const node = renderSection(section, i, numberBefore);
    numberBefore += Array.isArray(section.questions) ? section.questions.length : 0;
    return node;
  });
  const addSection = el(
    "div",
    { className: "b-container b-add-section" },
    errorSlot(),
    addButton("add-section", "sections", strings.add_section),
  );
  root.replaceChildren(renderChecklist(), ...sectionNodes, addSection);
  markProblems();
  showPoints();
  renderTranslations();
  focusFirst(focusKeys);
}

// ---------------------------------------------------------------------------
// Translations: each text of the checklist beside its source, in one language at a
// time, written to doc.translations[language] as formats.md says (keyed by code;
// an empty text is left out, so readers get the source).

const translationLanguage = byId("builder-translation-language");
const translationRows = byId("builder-translation-rows");

// [place in the translation, label, source text] for every text of the document.
function translatableTexts() {
  const texts = [
    [["title"], strings.checklist_title, doc.title],
    [["description"], strings.description, doc.description],
  ];
  sections().forEach((section, i) => {
    const sectionWord = fmt(strings.section_heading, { number: i + 1 });
    texts.push([["sections", section.code, "title"], `${sectionWord} › ${strings.section_title}`, section.title]);
    (Array.isArray(section.questions) ? section.questions : []).forEach((question, j) => {
      const questionWord = `${sectionWord} › ${fmt(strings.question_heading, { number: j + 1 })}`;
      for (const key of ["text", "guidance", "standard", "unit"]) {
        texts.push([["questions", question.code, key], `${questionWord} › ${strings[key]}`, question[key]]);
      }
      (Array.isArray(question.options) ? question.options : []).forEach((option, k) => {
        const optionWord = fmt(strings.option_heading, { number: k + 1 });
        texts.push([["questions", question.code, "options", option.code], `${questionWord} › ${optionWord}`, option.label]);
      });
    });
  });
  return texts.filter(([place, , source]) => typeof source === "string" && source.trim() && place.every(Boolean));
}

function translationOf(language, place) {
  let value = (doc.translations || {})[language];
  for (const key of place) value = value && typeof value === "object" ? value[key] : undefined;
  return typeof value === "string" ? value : "";
}

function setTranslation(language, place, text) {
  if (text) {
    doc.translations = doc.translations || {};
    let node = (doc.translations[language] = doc.translations[language] || {});
    for (const key of place.slice(0, -1)) node = node[key] = node[key] && typeof node[key] === "object" ? node[key] : {};
    node[place[place.length - 1]] = text;
    return;
  }
  // Removed: drop the key, then every object it leaves empty.
  const chain = [doc.translations || {}];
  for (const key of [language, ...place.slice(0, -1)]) {
    const next = chain[chain.length - 1][key];
    if (!next || typeof next !== "object") return;
    chain.push(next);
  }
  delete chain[chain.length - 1][place[place.length - 1]];
  const keys = [language, ...place.slice(0, -1)];
  for (let i = chain.length - 1; i > 0; i -= 1) {
    if (Object.keys(chain[i]).length) break;
    delete chain[i - 1][keys[i - 1]];
  }
}

function missingCount(language) {
  return translatableTexts().filter(([place]) => !translationOf(language, place)).length;
}

function languageName(code) {
  const known = (config.languages || []).find(([tag]) => tag === code);
  return known ? known[1] : code;
}

function renderLanguageChoices() {
  const chosen = translationLanguage.value;
  const tags = new Set((config.languages || []).map(([tag]) => tag));
  for (const tag of Object.keys(doc.translations || {})) tags.add(tag);
  tags.delete(doc.language);
  const options = [el("option", { value: "", text: strings.choose_language })];
  for (const tag of tags) {
    const missing = missingCount(tag);
    const name = languageName(tag);
    const text = missing
      ? fmt(strings.translation_missing, { language: name, count: missing })
      : fmt(strings.translation_complete, { language: name });
    options.push(el("option", { value: tag, text, selected: tag === chosen }));
  }
  translationLanguage.replaceChildren(...options);
}

function renderTranslations() {
  renderLanguageChoices();
  const language = translationLanguage.value;
  if (!language) {
    translationRows.replaceChildren();
    return;
  }
  const rows = translatableTexts().map(([place, label, source], index) => {
    const long = source.length > 80 || place[place.length - 1] === "guidance" || place[0] === "description";
    const control = long ? el("textarea", { rows: 2 }) : el("input", { type: "text" });
    control.id = `b-translation-${index}`;
    control.value = translationOf(language, place);
    control.dir = "auto";
    control.lang = language;
    control.dataset.place = JSON.stringify(place);
    const sourceNote = el("p", { className: "hint b-source", id: `b-translation-${index}-source`, dir: "auto", lang: doc.language || "en" });
    sourceNote.textContent = fmt(strings.source_text, { text: source });
    control.setAttribute("aria-describedby", sourceNote.id);
    return el("div", { className: "field b-translation" }, el("label", { for: control.id, text: label }), sourceNote, control);
  });
  translationRows.replaceChildren(...rows);
}

function onTranslationInput(event) {
  const control = event.target;
  if (!control.dataset.place || !translationLanguage.value) return;
  setTranslation(translationLanguage.value, JSON.parse(control.dataset.place), control.value.trim() ? control.value : "");
  renderLanguageChoices();
  changed(SAVE_DELAY);
}

function container(tag, className, path, ...children) {
  return el(tag, { className: `b-container ${className}`, "data-path": path, tabindex: "-1" }, ...children);
}

function renderChecklist() {
  const card = container(
    "section",
    "card b-checklist",
    "",
    el("h2", { id: "b-checklist-heading", text: strings.checklist }),
    errorSlot(),
    el(
      "div",
      { className: "b-grid" },
      codeField(),
      selectField("language", strings.language, doc.language ?? DEFAULTS.checklist.language, config.languages, "language"),
    ),
    textField("title", strings.title, doc.title, { limit: LIMITS.title, content: true }),
    textField("description", strings.description, doc.description, {
      limit: LIMITS.description,
      multiline: true,
      rows: 3,
      content: true,
    }),
    checkField("critical_zeroes_score", strings.critical_zeroes_score, doc.critical_zeroes_score ?? DEFAULTS.checklist.critical_zeroes_score),
    strayKeys(doc, "", KEYS.checklist),
  );
  card.setAttribute("aria-labelledby", "b-checklist-heading");
  return card;
}

function codeField() {
  const field = textField("code", strings.code, doc.code);
  const control = field.querySelector("input");
  control.readOnly = true;
  describe(control, "b-checklist-code-hint");
  field.append(
    el("p", { className: "hint", id: "b-checklist-code-hint", text: strings.checklist_code_hint }),
    el("p", { className: "hint", id: "b-code-hint", text: strings.code_hint }),
  );
  return field;
}

function renderSection(section, i, numberBefore) {
  const path = `sections[${i}]`;
  const number = i + 1;
  const headingId = `b-section-${i}-heading`;
  const questions = Array.isArray(section.questions) ? section.questions : [];
  const points = el("span", {
    className: "badge badge-quiet b-section-points",
    "data-section": String(i),
    hidden: true,
  });
  const node = container(
    "section",
    "card b-section",
    path,
    el(
      "div",
      { className: "b-head" },
      el("h2", { id: headingId }, fmt(strings.section_heading, { number }), " ", points),
      moveTools("section", path, number, { first: i === 0, last: i === sections().length - 1 }),
    ),
    errorSlot(),
    el(
      "div",
      { className: "b-grid b-grid-code" },
      textField(`${path}.code`, strings.code, section.code, { limit: LIMITS.code, codeHint: true }),
      textField(`${path}.title`, strings.section_title, section.title, {
        limit: LIMITS.title,
        content: true,
      }),
    ),
    strayKeys(section, path, KEYS.section),
    el(
      "ol",
      { className: "b-questions", start: String(numberBefore + 1) },
      ...questions.map((question, j) => renderQuestion(question, i, j, numberBefore + j + 1)),
    ),
    addButton("add-question", `${path}.questions`, strings.add_question),
  );
  node.setAttribute("aria-labelledby", headingId);
  return node;
}

function renderQuestion(question, i, j, number) {
  const path = `sections[${i}].questions[${j}]`;
  const ids = { body: `b-q-${i}-${j}-body`, toggle: `b-q-${i}-${j}-toggle` };
  const position = {
    first: i === 0 && j === 0,
    last: i === sections().length - 1 && j === questionsOf(sections()[i]).length - 1,
  };
  return container(
    "li",
    "b-question",
    path,
    el(
      "div",
      { className: "b-head" },
      questionToggle(question, path, number, ids),
      moveTools("question", path, number, position),
    ),
    questionBody(question, path, ids),
  );
}

// The question's head doubles as a button that folds its fields away.
function questionToggle(question, path, number, ids) {
  const toggle = el(
    "button",
    {
      type: "button",
      className: "b-toggle",
      id: ids.toggle,
      "aria-expanded": String(!collapsed.has(question)),
      "aria-controls": ids.body,
    },
    el("span", { className: "b-q-number", text: fmt(strings.question_heading, { number }) }),
    " ",
    el("span", {
      className: "b-summary-text",
      dir: "auto",
      text: question.text || strings.untitled_question,
    }),
    " ",
    el("span", { className: "badge badge-quiet", text: typeLabel(question.type) }),
  );
  toggle.dataset.action = "toggle-question";
  toggle.dataset.target = path;
  return toggle;
}

function questionBody(question, path, ids) {
  const types = config.question_types.map((type) => [type, typeLabel(type)]);
  const photoModes = config.photo_modes.map((mode) => [mode, strings[`photo_${mode}`] || mode]);
  return el(
    "div",
    {
      className: "b-question-body",
      id: ids.body,
      role: "group",
      "aria-labelledby": ids.toggle,
      hidden: collapsed.has(question),
    },
    errorSlot(),
    el(
      "div",
      { className: "b-grid b-grid-code" },
      textField(`${path}.code`, strings.code, question.code, { limit: LIMITS.code, codeHint: true }),
      selectField(`${path}.type`, strings.type, question.type, types, "type"),
    ),
    questionTextField(path, question),
    renderTypeFields(question, path),
    textField(`${path}.guidance`, strings.guidance, question.guidance, {
      limit: LIMITS.guidance,
      multiline: true,
      content: true,
    }),
    textField(`${path}.standard`, strings.standard, question.standard, {
      limit: LIMITS.standard,
      content: true,
    }),
    el(
      "div",
      { className: "b-checks" },
      checkField(`${path}.required`, strings.required, question.required ?? DEFAULTS.question.required),
      checkField(`${path}.allow_na`, strings.allow_na, question.allow_na ?? DEFAULTS.question.allow_na),
      question.type === "yes_no"
        ? checkField(`${path}.critical`, strings.critical, question.critical ?? DEFAULTS.question.critical)
        : null,
    ),
    selectField(`${path}.photo`, strings.photo, question.photo ?? DEFAULTS.question.photo, photoModes),
    // critical: false is harmless on any type (exports write it everywhere).
    strayKeys(question, path, [...COMMON_QUESTION_KEYS, ...(TYPE_KEYS[question.type] || [])], ["critical"]),
  );
}

function questionTextField(path, question) {
  const field = textField(`${path}.text`, strings.text, question.text, {
    limit: LIMITS.text,
    multiline: true,
    content: true,
  });
  field.querySelector("textarea").dataset.summary = "true";
  return field;
}

function typeLabel(type) {
  return strings[`type_${type}`] || String(type ?? "");
}

// Only the fields that apply to the question's type.
function renderTypeFields(question, path) {
  const points = () => numberField(`${path}.points`, strings.points, question.points);
  switch (question.type) {
    case "yes_no": {
      const answers = config.good_answers.map((answer) => [answer, strings[answer] || answer]);
      return el(
        "div",
        { className: "b-grid" },
        points(),
        selectField(`${path}.good_answer`, strings.good_answer, question.good_answer ?? DEFAULTS.question.good_answer, answers),
      );
    }
    case "scale":
      return el(
        "div",
        { className: "b-grid" },
        numberField(`${path}.min`, strings.min, question.min, { integer: true }),
        numberField(`${path}.max`, strings.max, question.max, { integer: true }),
        points(),
      );
    case "choice":
      return renderOptions(question, path);
    case "number":
      return el(
        "div",
        { className: "b-grid" },
        textField(`${path}.unit`, strings.unit, question.unit, { limit: LIMITS.unit, content: true }),
      );
    default:
      return null;
  }
}

function renderOptions(question, path) {
  const listPath = `${path}.options`;
  const options = Array.isArray(question.options) ? question.options : [];
  return container(
    "fieldset",
    "b-options",
    listPath,
    el("legend", { text: strings.options }),
    errorSlot(),
    el(
      "ol",
      { className: "b-option-list" },
      ...options.map((option, k) => renderOption(option, `${listPath}[${k}]`, k, options.length)),
    ),
    addButton("add-option", listPath, strings.add_option),
  );
}

function renderOption(option, path, k, count) {
  const number = k + 1;
  const nameId = `${controlId(path)}-name`;
  return container(
    "li",
    "b-option",
    path,
    errorSlot(),
    el(
      "div",
      { className: "b-option-row", role: "group", "aria-labelledby": nameId },
      el("span", { className: "visually-hidden", id: nameId, text: fmt(strings.option_heading, { number }) }),
      textField(`${path}.code`, strings.code, option.code, { limit: LIMITS.code, codeHint: true }),
      textField(`${path}.label`, strings.label, option.label, { limit: LIMITS.label, content: true }),
      numberField(`${path}.points`, strings.points, option.points),
      moveTools("option", path, number, { first: k === 0, last: k === count - 1 }),
    ),
    strayKeys(option, path, KEYS.option),
  );
}

// ---------------------------------------------------------------------------
// Focus

// Opens a collapsed question when the node to focus is inside it.
function reveal(node) {
  const item = node.closest(".b-question");
  const body = item?.querySelector(".b-question-body");
  if (body?.hidden && body.contains(node)) setCollapsed(item, false);
}

// A key is a data-focus (buttons: "sections[0]/up") or a data-path (inputs and
// the containers of sections, questions and options).
function findByKey(key) {
  const escaped = CSS.escape(key);
  return root.querySelector(`[data-focus="${escaped}"]`) || root.querySelector(`[data-path="${escaped}"]`);
}

function focusFirst(keys) {
  for (const key of keys) {
    const node = findByKey(key);
    if (node && !node.disabled) {
      reveal(node);
      node.focus();
      return node;
    }
  }
  return null;
}

// The control a problem's path names, else its nearest ancestor that exists
// (a missing key points at its object, a list at its Add button).
function problemTarget(path) {
  const parts = parsePath(path);
  while (parts.length) {
    const node = findByKey(joinPath(parts));
    if (node) return node;
    parts.pop();
  }
  return root.querySelector('[data-path=""]');
}

function focusProblem(path) {
  const target = problemTarget(path);
  if (!target) return;
  reveal(target);
  target.scrollIntoView({ block: "center" });
  // A whole section or question shows its focus only when a problem leads there.
  target.classList.add("b-spotlight");
  target.addEventListener("blur", () => target.classList.remove("b-spotlight"), { once: true });
  target.focus({ preventScroll: true });
}

// ---------------------------------------------------------------------------
// Problems: the list above the editor, and each input marked invalid

function readInitialProblems() {
  return [...problemList.querySelectorAll("[data-problem-path]")].map((button) => ({
    path: button.dataset.problemPath,
    message: button.dataset.problemMessage,
  }));
}

// Where a problem is, in the coordinator's words: "Section 1 › Question 2 › Points".
function placeOf(path) {
  const parts = parsePath(path);
  const words = [];
  for (let i = 0; i < parts.length; i += 1) {
    if (typeof parts[i] !== "number") continue;
    const list = parts[i - 1];
    const heading = { sections: "section_heading", questions: "question_heading", options: "option_heading" }[list];
    if (heading) words.push(strings[heading].replace("%(number)s", String(parts[i] + 1)));
  }
  const target = findByKey(path);
  const label = target && target.id ? root.querySelector(`label[for="${target.id}"]`) : null;
  if (label) words.push(label.textContent.trim());
  return words.length ? words.join(" › ") : strings.checklist;
}

function containerOf(path) {
  const parts = parsePath(path);
  parts.pop();
  return joinPath(parts);
}

function isShown(problem) {
  if (showAllProblems) return true;
  for (const path of touched) {
    if (path === problem.path || path.startsWith(problem.path)) return true;
    const container = containerOf(path);
    if (container && problem.path.startsWith(container)) return true;
  }
  return false;
}

function shownProblems() {
  return problems.filter(isShown);
}

function renderProblemList() {
  const shown = shownProblems();
  const items = shown.map((problem) => {
    const button = el(
      "button",
      { type: "button", className: "link-button problem-link" },
      el("strong", { text: placeOf(problem.path) }),
      `: ${problem.message}`,
    );
    button.dataset.problemPath = problem.path;
    button.dataset.problemMessage = problem.message;
    return el("li", {}, button);
  });
  problemList.replaceChildren(...items);
  const waiting = problems.length - shown.length;
  pendingProblems.hidden = waiting === 0;
  pendingProblems.textContent = strings.problems_pending.replace("%(count)s", String(waiting));
  noProblems.hidden = problems.length > 0;
}

function isControl(node) {
  return ["INPUT", "SELECT", "TEXTAREA"].includes(node.tagName);
}

function clearMarks() {
  for (const node of root.querySelectorAll(".b-problem")) node.remove();
  for (const node of root.querySelectorAll("[aria-invalid]")) {
    node.removeAttribute("aria-invalid");
    const ids = (node.getAttribute("aria-describedby") || "")
      .split(" ")
      .filter((id) => id && !id.startsWith("b-problem-"));
    if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
    else node.removeAttribute("aria-describedby");
  }
  for (const node of root.querySelectorAll(".field-invalid, .b-invalid")) {
    node.classList.remove("field-invalid", "b-invalid");
  }
}

function markProblems() {
  clearMarks();
  shownProblems().forEach((problem, index) => {
    const target = problemTarget(problem.path);
    if (!target) return;
    const message = el("p", {
      className: "error b-problem",
      id: `b-problem-${index}`,
      text: problem.message,
    });
    if (isControl(target)) {
      target.setAttribute("aria-invalid", "true");
      describe(target, message.id);
      target.closest(".field").classList.add("field-invalid");
      target.closest(".field").append(message);
      return;
    }
    const container = target.closest(".b-container") || target;
    container.classList.add("b-invalid");
    const slot = container.querySelector(":scope > .b-errors, :scope > .b-question-body > .b-errors");
    (slot || container).append(message);
  });
}

function showPoints() {
  if (!lastAnswer) return;
  totalLine.textContent = fmt(strings.total, { points: formatPoints(lastAnswer.max_points) });
  sections().forEach((section, i) => {
    const badge = root.querySelector(`.b-section-points[data-section="${i}"]`);
    const points = lastAnswer.section_max_points?.[section.code];
    if (!badge) return;
    badge.hidden = typeof points !== "number";
    if (typeof points === "number") {
      badge.textContent = fmt(strings.section_points, { points: formatPoints(points) });
    }
  });
}

// ---------------------------------------------------------------------------
// Editing: inputs write into the document; buttons change its structure

function writeControl(control) {
  const [parent, key] = locate(control.dataset.path);
  const kind = control.dataset.kind;
  if (kind === "boolean") parent[key] = control.checked;
  else if (kind === "number" || kind === "integer") {
    if (control.value === "") delete parent[key];
    else parent[key] = Number(control.value);
  } else parent[key] = control.value;
}

function onInput(event) {
  const control = event.target;
  if (!control.dataset.path || !["text", "number", "integer"].includes(control.dataset.kind)) return;
  touched.add(control.dataset.path);
  writeControl(control);
  if (control.dataset.summary) {
    const [question] = locate(control.dataset.path);
    const summary = control.closest(".b-question").querySelector(".b-summary-text");
    summary.textContent = question.text || strings.untitled_question;
  }
  renderTranslations(); // a source text changed: its row and the counts follow
  changed(SAVE_DELAY);
}

function onChange(event) {
  const control = event.target;
  const kind = control.dataset.kind;
  if (!control.dataset.path || !["boolean", "select", "type", "language"].includes(kind)) return;
  touched.add(control.dataset.path);
  if (kind === "type") {
    const [question] = locate(control.dataset.path);
    changeType(question, control.value);
  } else {
    writeControl(control);
  }
  if (kind === "type" || kind === "language") render([control.dataset.path]);
  changed(0);
}

function newOption(question) {
  const options = optionsOf(question);
  const taken = new Set([
    ...options.map((option) => option.code),
    ...(startingCodes.options.get(question.code) || []),
  ]);
  const code = uniqueCode("option", taken, options.length + 1);
  const option = { code, label: "", points: 0 };
  options.push(option);
  return option;
}

function changeType(question, type) {
  const keep = new Set([...COMMON_QUESTION_KEYS, ...(TYPE_KEYS[type] || [])]);
  for (const key of Object.keys(question)) {
    if (TYPE_SPECIFIC_KEYS.has(key) && !keep.has(key)) delete question[key];
  }
  question.type = type;
  if (type === "scale") {
    if (!Number.isInteger(question.min)) question.min = 1;
    if (!Number.isInteger(question.max)) question.max = 5;
  }
  if (type === "choice") {
    while (optionsOf(question).length < LIMITS.min_options) newOption(question);
  }
  // A photo question needs a photo mode other than the default "none".
  if (type === "photo" && (question.photo ?? DEFAULTS.question.photo) === DEFAULTS.question.photo) {
    question.photo = "required";
  }
}

function structureChanged(focusKeys, message) {
  render(focusKeys);
  changed(0);
  if (message) announce(message);
}

function addSection() {
  const list = sections();
  const taken = new Set([...list.map((section) => section.code), ...startingCodes.sections]);
  const code = uniqueCode("section", taken, list.length + 1);
  list.push({ code, title: "", questions: [] });
  const number = list.length;
  structureChanged([`sections[${number - 1}].title`], fmt(strings.section_added, { number }));
}

function deleteSection(path) {
  const [i] = indexesOf(path);
  const list = sections();
  if (questionsOf(list[i]).length && !window.confirm(strings.confirm_delete_section)) return;
  list.splice(i, 1);
  structureChanged([`sections[${i}]`, `sections[${i - 1}]`, "sections/add"], strings.section_deleted);
}

function moveSection(path, delta) {
  const [i] = indexesOf(path);
  const list = sections();
  const target = i + delta;
  if (target < 0 || target >= list.length) return;
  [list[i], list[target]] = [list[target], list[i]];
  const to = `sections[${target}]`;
  const [ahead, behind] = delta < 0 ? ["up", "down"] : ["down", "up"];
  structureChanged([`${to}/${ahead}`, `${to}/${behind}`], fmt(strings.section_moved, { number: target + 1 }));
}

function addQuestion(path) {
  const [i] = indexesOf(path);
  const questions = questionsOf(sections()[i]);
  // Question codes are unique in the whole checklist, not only in their section.
  const current = allQuestions().map((question) => question.code);
  const code = uniqueCode("question", new Set([...current, ...startingCodes.questions]), current.length + 1);
  questions.push({ code, type: "yes_no", text: "" });
  const number = questionNumber(i, questions.length - 1);
  const focus = `sections[${i}].questions[${questions.length - 1}].text`;
  structureChanged([focus], fmt(strings.question_added, { number }));
}

function questionNumber(i, j) {
  return sections().slice(0, i).reduce((sum, section) => sum + questionsOf(section).length, 0) + j + 1;
}

function deleteQuestion(path) {
  const [i, j] = indexesOf(path);
  const questions = questionsOf(sections()[i]);
  if ((questions[j].text || "").trim() && !window.confirm(strings.confirm_delete_question)) return;
  questions.splice(j, 1);
  const base = `sections[${i}].questions`;
  structureChanged([`${base}[${j}]`, `${base}[${j - 1}]`, `${base}/add`], strings.question_deleted);
}

// Moving past the first or last question of a section carries it into the
// neighbouring section, so questions can be regrouped with the keyboard alone.
function moveQuestion(path, delta) {
  const [i, j] = indexesOf(path);
  const list = sections();
  const questions = questionsOf(list[i]);
  let [toSection, toIndex] = [i, j + delta];
  if (toIndex < 0) {
    if (i === 0) return;
    toSection = i - 1;
    toIndex = questionsOf(list[toSection]).length;
  } else if (toIndex >= questions.length) {
    if (i === list.length - 1) return;
    toSection = i + 1;
    toIndex = 0;
  }
  const [question] = questions.splice(j, 1);
  questionsOf(list[toSection]).splice(toIndex, 0, question);
  const to = `sections[${toSection}].questions[${toIndex}]`;
  const [ahead, behind] = delta < 0 ? ["up", "down"] : ["down", "up"];
  const number = questionNumber(toSection, toIndex);
  structureChanged([`${to}/${ahead}`, `${to}/${behind}`], fmt(strings.question_moved, { number }));
}

function addOption(path) {
  const [question] = locate(path);
  newOption(question);
  const k = question.options.length - 1;
  structureChanged([`${path}[${k}].label`], fmt(strings.option_added, { number: k + 1 }));
}

function deleteOption(path) {
  const [options, k] = locate(path);
  options.splice(k, 1);
  const base = path.replace(/\[\d+\]$/, "");
  structureChanged([`${base}[${k}]`, `${base}[${k - 1}]`, `${base}/add`], strings.option_deleted);
}

function moveOption(path, delta) {
  const [options, k] = locate(path);
  const target = k + delta;
  if (target < 0 || target >= options.length) return;
  [options[k], options[target]] = [options[target], options[k]];
  const to = path.replace(/\[\d+\]$/, `[${target}]`);
  const [ahead, behind] = delta < 0 ? ["up", "down"] : ["down", "up"];
  structureChanged([`${to}/${ahead}`, `${to}/${behind}`], fmt(strings.option_moved, { number: target + 1 }));
}

function removeKey(path) {
  const [parent, key] = locate(path);
  delete parent[key];
  const parentPath = joinPath(parsePath(path).slice(0, -1));
  structureChanged([parentPath]);
}

function setCollapsed(item, value) {
  const [list, j] = locate(item.dataset.path);
  const question = list[j];
  if (value) collapsed.add(question);
  else collapsed.delete(question);
  item.querySelector(".b-question-body").hidden = value;
  item.querySelector(".b-toggle").setAttribute("aria-expanded", String(!value));
}

function toggleQuestion(path) {
  const item = root.querySelector(`.b-question[data-path="${CSS.escape(path)}"]`);
  setCollapsed(item, !item.querySelector(".b-question-body").hidden);
}

const ACTIONS = {
  "add-section": addSection,
  "delete-section": deleteSection,
  "move-section": moveSection,
  "add-question": addQuestion,
  "delete-question": deleteQuestion,
  "move-question": moveQuestion,
  "add-option": addOption,
  "delete-option": deleteOption,
  "move-option": moveOption,
  "remove-key": removeKey,
  "toggle-question": toggleQuestion,
};

function onClick(event) {
  const button = event.target.closest("button[data-action]");
  if (!button || !root.contains(button)) return;
  ACTIONS[button.dataset.action](button.dataset.target, Number(button.dataset.delta || 0));
}

// ---------------------------------------------------------------------------
// Saving: debounced PUT of the whole document, retried with backoff

const saving = {
  dirty: false, // the document has changes the server has not stored
  inFlight: null, // the promise of the running request
  timer: null,
  retries: 0,
  blocked: false, // the draft is gone (published or discarded elsewhere)
  leaving: false, // a form is being sent: no warning on unload
  staleToken: false,
};

function setStatus(state, text, ...extra) {
  statusLine.dataset.state = state;
  statusLine.textContent = text;
  notice.replaceChildren(...extra);
  notice.hidden = extra.length === 0;
  updatePublishButton();
}

function updatePublishButton() {
  publishButton.disabled = Boolean(saving.inFlight) || saving.blocked;
}

function changed(delay) {
  saving.dirty = true;
  keepLocally();
  if (saving.blocked) return;
  if (statusLine.dataset.state !== "saving") setStatus("saving", strings.saving);
  saveSoon(delay);
}

function saveSoon(delay) {
  clearTimeout(saving.timer);
  saving.timer = setTimeout(() => {
    saving.timer = null;
    saveNow();
  }, delay);
}

// Resolves true once the server holds the document as it is now.
function saveNow() {
  if (saving.inFlight) return saving.inFlight;
  if (saving.blocked) return Promise.resolve(false);
  if (!saving.dirty) return Promise.resolve(true);
  clearTimeout(saving.timer);
  saving.timer = null;
  saving.dirty = false;
  saving.inFlight = sendDocument(JSON.stringify(doc)).finally(() => {
    saving.inFlight = null;
    updatePublishButton();
  });
  updatePublishButton();
  return saving.inFlight;
}

async function sendDocument(body) {
  let response;
  try {
    if (saving.staleToken) await refreshCsrfToken();
    response = await fetch(config.save_url, {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken },
      body,
    });
  } catch {
    return failed(retryLater);
  }
  if (response.ok) return saved(await response.json());
  const error = await errorOf(response);
  if (response.status === 401 || error.code === "csrf_failed") {
    saving.staleToken = error.code === "csrf_failed";
    return failed(signedOut);
  }
  // 409: published or discarded elsewhere; 404: a never-published checklist
  // goes away with its discarded draft.
  if (response.status === 409 || response.status === 404) return failed(() => draftGone(error.message));
  if (response.status >= 500 || response.status === 429) return failed(retryLater);
  return failed(() => setStatus("error", fmt(strings.not_saved, { message: error.message })));
}

async function errorOf(response) {
  try {
    const body = await response.json();
    return { code: body.error?.code, message: body.error?.message || response.statusText };
  } catch {
    return { code: null, message: response.statusText || String(response.status) };
  }
}

function saved(answer) {
  if (answer.version !== config.draft_number) {
    // The draft this page edits was published and another one opened.
    return failed(() => draftGone(strings.replaced));
  }
  saving.retries = 0;
  saving.staleToken = false;
  lastAnswer = answer;
  problems = (answer.problems || []).map(({ path, message }) => ({ path, message }));
  renderProblemList();
  markProblems();
  showPoints();
  if (!saving.dirty) {
    forgetLocally();
    setStatus("saved", strings.saved);
  } else if (!saving.timer) {
    saveSoon(0);
  }
  refreshPreview();
  return true;
}

function failed(show) {
  saving.dirty = true;
  keepLocally();
  show();
  return false;
}

function retryLater() {
  const delay = RETRY_DELAYS[Math.min(saving.retries, RETRY_DELAYS.length - 1)];
  saving.retries += 1;
  setStatus("error", strings.retrying);
  saveSoon(delay);
}

function signedOut() {
  const signIn = el("a", { href: config.sign_in_url, target: "_blank", rel: "noopener", text: strings.sign_in });
  const again = smallButton(strings.try_again);
  again.addEventListener("click", () => {
    setStatus("saving", strings.saving);
    saveNow();
  });
  setStatus("error", strings.signed_out, el("p", { className: "actions" }, signIn, again));
  saveSoon(SIGNED_OUT_RETRY);
}

function draftGone(message) {
  saving.blocked = true;
  clearTimeout(saving.timer);
  const reload = el("a", { href: window.location.href, text: strings.reload });
  setStatus("error", fmt(strings.not_saved, { message }), el("p", { role: "alert" }, reload));
}

async function refreshCsrfToken() {
  // After a new sign-in the session has a new token; the builder page carries it.
  const response = await fetch(window.location.href, { credentials: "same-origin" });
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const token = page.querySelector('meta[name="csrf-token"]')?.content;
  if (!token) return;
  csrfToken = token;
  for (const input of document.querySelectorAll('input[name="csrf_token"]')) input.value = token;
}

// Resolves true when nothing is left to save; used before publishing.
async function flush() {
  clearTimeout(saving.timer);
  saving.timer = null;
  while (!saving.blocked) {
    if (saving.inFlight) {
      await saving.inFlight;
      continue;
    }
    if (!saving.dirty) return true;
    if (!(await saveNow())) return false;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Changes kept in this browser until the server has them

function keepLocally() {
  try {
    localStorage.setItem(storageKey, JSON.stringify({ document: doc, kept_at: new Date().toISOString() }));
  } catch {
    // Private mode or a full disk: the server copy still works.
  }
}

function forgetLocally() {
  try {
    localStorage.removeItem(storageKey);
  } catch {
    // Nothing kept, nothing to forget.
  }
}

function keptCopy() {
  try {
    const kept = JSON.parse(localStorage.getItem(storageKey));
    return kept && typeof kept.document === "object" ? kept : null;
  } catch {
    return null;
  }
}

function forgetOtherDrafts() {
  const prefix = `shopper-builder:${config.code}:`;
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith(prefix) && key !== storageKey) localStorage.removeItem(key);
    }
  } catch {
    // Storage unavailable.
  }
}

function offerKeptCopy() {
  const kept = keptCopy();
  if (!kept) return;
  if (stableJson(kept.document) === stableJson(doc)) {
    forgetLocally();
    return;
  }
  const when = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    dateStyle: "medium",
    timeStyle: "short",
  }).format(new Date(kept.kept_at));
  const restore = smallButton(strings.restore);
  const forget = smallButton(strings.forget);
  restore.addEventListener("click", () => {
    for (const key of Object.keys(doc)) delete doc[key];
    Object.assign(doc, kept.document, { code: config.code });
    render(["title"]);
    changed(0);
    announce(strings.restored);
  });
  forget.addEventListener("click", () => {
    forgetLocally();
    setStatus("saved", strings.saved);
  });
  setStatus(
    "saved",
    strings.saved,
    el("p", { role: "alert" }, fmt(strings.restore_offer, { when })),
    el("p", { className: "actions" }, restore, forget),
  );
}

// ---------------------------------------------------------------------------
// Preview: the server's own rendering of the draft, as the shopper's phone shows it

let previewRequest = 0;

async function refreshPreview() {
  const request = ++previewRequest;
  previewPane.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(config.preview_url, {
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    // A redirect means the sign-in page came back, not a preview.
    if (!response.ok || response.redirected) throw new Error(String(response.status));
    const html = await response.text();
    if (request !== previewRequest) return;
    previewPane.innerHTML = html; // the server's fragment, escaped by its template
    previewNote.hidden = true;
  } catch {
    if (request === previewRequest) previewNote.hidden = false;
  } finally {
    if (request === previewRequest) previewPane.removeAttribute("aria-busy");
  }
}

// ---------------------------------------------------------------------------
// Publish, discard, leaving the page

async function onPublish(event) {
  // Asked once: publishing freezes this version for every new assignment.
  if (!problems.length && !window.confirm(strings.confirm_publish)) {
    event.preventDefault();
    return;
  }
  if (!saving.dirty && !saving.inFlight) {
    saving.leaving = true;
    return;
  }
  event.preventDefault();
  publishButton.disabled = true;
  if (await flush()) {
    saving.leaving = true;
    publishForm.submit();
  } else {
    updatePublishButton();
  }
}

function onDiscard(event) {
  if (!window.confirm(strings.confirm_discard)) {
    event.preventDefault();
    return;
  }
  saving.leaving = true;
  saving.blocked = true;
  clearTimeout(saving.timer);
  forgetLocally();
}

function onBeforeUnload(event) {
  if (saving.leaving || saving.blocked) return;
  if (saving.dirty || saving.inFlight) {
    event.preventDefault();
    event.returnValue = strings.unsaved_warning;
  }
}

function onProblemClick(event) {
  const button = event.target.closest("[data-problem-path]");
  if (button) focusProblem(button.dataset.problemPath);
}

function start() {
  root.addEventListener("input", onInput);
  translationLanguage.addEventListener("change", renderTranslations);
  translationRows.addEventListener("input", onTranslationInput);
  root.addEventListener("change", onChange);
  root.addEventListener("click", onClick);
  problemList.addEventListener("click", onProblemClick);
  publishForm.addEventListener("submit", onPublish);
  discardForm.addEventListener("submit", onDiscard);
  window.addEventListener("beforeunload", onBeforeUnload);
  window.addEventListener("online", () => {
    if (saving.dirty && !saving.blocked) saveNow();
  });
  render();
  renderProblemList();
  setStatus("saved", strings.saved);
  forgetOtherDrafts();
  offerKeptCopy();
  refreshPreview();
}

start();
