// The search page, over Pagefind's pagefind.js (published with the site: no request leaves it).
// The page's form works without this script (a GET to the page itself, ?q=…); with it, results come in place:
// the status line (role="status") says how many articles match, and the list holds a link to each. The
// strings come from the form's data attributes, in the site's language. The page's Content-Security-Policy
// allows WebAssembly ('wasm-unsafe-eval') for Pagefind; it runs in this page (noWorker), so nothing else does.
const PAGE_SIZE = 10;
const TYPING_PAUSE_MS = 250;

const form = document.querySelector(".search-form");
const input = document.getElementById("search-query");
const category = document.getElementById("search-category");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const moreRow = document.querySelector(".search-more-row");
const moreButton = document.querySelector(".search-more");
const fallback = document.querySelector(".search-fallback");

let pagefind = null;
let results = [];
let shown = 0;
let searchId = 0;
let typingTimer = 0;

if (form && input && category) {
  fallback.querySelector(".search-no-script").hidden = true;
  if (!fallback.querySelector(".search-preview")) {
    start();
  }
}

async function start() {
  form.hidden = false;
  readLocation();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    search();
  });
  input.addEventListener("input", () => {
    clearTimeout(typingTimer);
    typingTimer = setTimeout(search, TYPING_PAUSE_MS);
  });
  category.addEventListener("change", search);
  moreButton.addEventListener("click", showMore);
  try {
    pagefind = await import(new URL("pagefind.js", new URL(form.dataset.bundle, location.href)).href);
    await pagefind.options({ noWorker: true, excerptLength: 30 });
    await pagefind.init();
    // A large site's index comes in parts (an edit makes only its article's part again): merged here.
    for (const part of (form.dataset.merge || "").split(" ").filter(Boolean)) {
      await pagefind.mergeIndex(new URL(part, location.href).href);
    }
  } catch (error) {
    unavailable(error);
    return;
  }
  fallback.hidden = true;
  if (input.value.trim()) {
    search();
  }
}

function readLocation() {
  const params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  const chosen = params.get(category.name);
  if (chosen && [...category.options].some((option) => option.value === chosen)) {
    category.value = chosen;
  }
}

function writeLocation(query) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  if (category.value) params.set(category.name, category.value);
  const search = params.toString();
  history.replaceState(null, "", search ? `?${search}` : location.pathname);
}

async function search() {
  clearTimeout(typingTimer);
  if (!pagefind) return;
  const id = ++searchId;
  const query = input.value.trim();
  writeLocation(query);
  if (!query) {
    results = [];
    shown = 0;
    list.replaceChildren();
    list.hidden = moreRow.hidden = true;
    status.textContent = "";
    return;
  }
  let found;
  try {
    found = await pagefind.search(query, { filters: chosenFilters() });
  } catch (error) {
    unavailable(error);
    return;
  }
  if (id !== searchId) return;  // a newer search has started
  results = found.results;
  shown = 0;
  list.replaceChildren();
  await showMore({ focus: false });
  if (id !== searchId) return;
  status.textContent = countText(results.length, query);
}

function chosenFilters() {
  return category.value ? { category: category.value } : {};
}

async function showMore({ focus = true } = {}) {
  const id = searchId;
  const next = results.slice(shown, shown + PAGE_SIZE);
  const pages = await Promise.all(next.map((result) => result.data()));
  if (id !== searchId) return;
  const items = pages.map(resultItem);
  list.append(...items);
  shown += items.length;
  list.hidden = shown === 0;
  moreRow.hidden = shown >= results.length;
  if (focus && items.length) {
    items[0].querySelector("a").focus();  // keyboard users go on from the first new result
  }
}

function resultItem(page) {
  const key = (page.filters.category || [])[0] || "";
  const item = document.createElement("li");
  item.className = key ? `search-result cat-${key}` : "search-result";
  const title = document.createElement("h2");
  title.className = "search-result-title";
  const link = document.createElement("a");
  link.href = page.url;
  link.textContent = page.meta.title || page.url;
  title.append(link);
  item.append(title);
  const label = categoryLabel(key);
  if (label) {
    const kicker = document.createElement("p");
    kicker.className = "card-kicker";
    const badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = label;
    kicker.append(badge);
    item.append(kicker);
  }
  const excerpt = document.createElement("p");
  excerpt.className = "search-excerpt";
  excerpt.append(...excerptNodes(page.excerpt));
  item.append(excerpt);
  return item;
}

function categoryLabel(key) {
  const option = [...category.options].find((candidate) => candidate.value === key);
  return option && key ? option.textContent.trim() : "";
}

// Pagefind's excerpt is text with the matched words in <mark>: only that text and those marks are kept
// (parsed in an inert document, never inserted as HTML).
function excerptNodes(excerpt) {
  const parsed = new DOMParser().parseFromString(excerpt || "", "text/html").body;
  return [...parsed.childNodes].map((node) => {
    if (node.nodeName !== "MARK") return document.createTextNode(node.textContent);
    const mark = document.createElement("mark");
    mark.textContent = node.textContent;
    return mark;
  });
}

function countText(count, query) {
  const key = count === 0 ? "resultsNone" : count === 1 ? "resultsOne" : "resultsMany";
  return form.dataset[key].replace("{count}", String(count)).replace("{query}", query);
}

function unavailable(error) {
  console.warn("Search is unavailable:", error);
  pagefind = null;
  form.hidden = true;
  list.hidden = moreRow.hidden = true;
  status.textContent = "";
  fallback.hidden = false;
  fallback.querySelector(".search-unavailable").hidden = false;
}
