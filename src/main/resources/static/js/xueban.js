/*
 * Shared by every page: calls to the JSON API (session + CSRF), problem messages shown to the
 * person, Server-Sent Events read from a POST, safe rendering of Markdown with maths, and the
 * page's messages (from the server's message bundles, see PageMessages).
 */
const X = (() => {
  // Kept for the browser tests (and anyone debugging): script errors and messages missing from the bundles.
  const problems = window.xuebanProblems = [];
  window.addEventListener('error', event => problems.push(`error: ${event.message}`));
  window.addEventListener('unhandledrejection', event => problems.push(`rejection: ${event.reason}`));
  const messagesElement = document.getElementById('messages');
  const messages = messagesElement ? JSON.parse(messagesElement.textContent) : {};
  const meta = name => document.querySelector(`meta[name="${name}"]`)?.content;

  /** A message from the bundles, with {0}, {1}… filled in. */
  function t(key, ...args) {
    let text = messages[key];
    if (text === undefined) {
      problems.push(`missing message: ${key}`);
      text = key;
    }
    args.forEach((arg, i) => { text = text.replaceAll(`{${i}}`, String(arg)); });
    return text;
  }

  /** Builds an element; strings become text nodes, never HTML. */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
      else if (name === 'dataset') Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** A refusal or failure of the API, with the API's own message for people. */
  class Problem extends Error {
    constructor(status, detail, body) {
      super(detail);
      this.status = status;
      this.body = body || {};
    }
  }

  async function problemOf(response) {
    let body = {};
    try {
      body = await response.json();
    } catch (ignored) {
      // not JSON: a proxy's page, a dropped connection
    }
    const detail = body.detail || t(response.status === 403 ? 'error.forbidden'
      : response.status >= 500 ? 'error.server' : 'error.generic');
    return new Problem(response.status, detail, body);
  }

  function headers(extra) {
    // The API answers in the page's language, whatever the browser's own.
    const result = Object.assign({'Accept': 'application/json', 'Accept-Language': document.documentElement.lang || 'zh-CN'},
      extra || {});
    const token = meta('_csrf');
    if (token) result[meta('_csrf_header') || 'X-CSRF-TOKEN'] = token;
    return result;
  }

  /**
   * Calls the API. A plain object is sent as JSON, FormData as multipart, a string as text/csv.
   * Resolves to the parsed JSON (null for 204); rejects with a Problem.
   */
  async function api(method, url, body, extraHeaders) {
    const init = {method, headers: headers(extraHeaders), credentials: 'same-origin'};
    if (body instanceof FormData) {
      init.body = body;
    } else if (typeof body === 'string') {
      init.body = body;
      init.headers['Content-Type'] = 'text/csv';
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (offline) {
      throw new Problem(0, t('error.offline'));
    }
    if (!response.ok) throw await problemOf(response);
    if (response.status === 204) return null;
    const type = response.headers.get('Content-Type') || '';
    return type.includes('json') ? response.json() : response.text();
  }

  /**
   * Sends a request whose answer is an event stream and calls on[event](data) for each event.
   * Resolves when the stream ends; rejects with a Problem when the request is refused.
   */
  async function stream(url, {method = 'POST', body, on = {}, signal, extraHeaders} = {}) {
    const init = {method, credentials: 'same-origin', signal,
      headers: headers(Object.assign({'Accept': 'text/event-stream'}, extraHeaders || {}))};
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (offline) {
      if (signal?.aborted) return;
      throw new Problem(0, t('error.offline'));
    }
    if (!response.ok) throw await problemOf(response);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer += value.replaceAll('\r\n', '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length === 0) continue;
        let parsed = data.join('\n');
        try { parsed = JSON.parse(parsed); } catch (notJson) { /* plain text data */ }
        on[event]?.(parsed);
      }
    }
  }

  /** Shows a message in the page's message area (role=alert, so screen readers announce it). */
  function flash(text, kind = 'error') {
    const area = document.getElementById('flash');
    if (!area) return;
    area.replaceChildren(el('p', {class: kind === 'error' ? 'alert' : 'note'}, text));
    area.scrollIntoView({block: 'nearest'});
    if (kind !== 'error') setTimeout(() => { if (area.textContent === text) area.replaceChildren(); }, 6000);
  }

  /** Runs an action, showing its failure as a message instead of losing it; returns its result. */
  async function guard(action, onError) {
    try {
      return await action();
    } catch (error) {
      if (onError) onError(error);
      flash(error instanceof Problem ? error.message : t('error.generic'));
      if (!(error instanceof Problem)) console.error(error);
      return undefined;
    }
  }

  /** Form fields as an object: empty fields left out, numbers for type=number. */
  function fields(form) {
    const result = {};
    for (const element of form.elements) {
      if (!element.name || element.disabled || element.type === 'file' || element.type === 'submit') continue;
      if ((element.type === 'checkbox' || element.type === 'radio') && !element.checked) continue;
      // Passwords are sent as typed: the login form does not trim them either.
      const value = element.type === 'password' ? element.value : element.value.trim();
      if (value === '') continue;
      result[element.name] = element.type === 'number' ? Number(value) : value;
    }
    return result;
  }

  /** Disables a form's submit buttons while its action runs. */
  function onSubmit(form, action) {
    form.addEventListener('submit', async event => {
      event.preventDefault();
      const buttons = form.querySelectorAll('button');
      buttons.forEach(b => { b.disabled = true; });
      try {
        await guard(() => action(fields(form), form));
      } finally {
        buttons.forEach(b => { b.disabled = false; });
      }
    });
  }

  const MATH = /\$\$([\s\S]+?)\$\$|\\\[([\s\S]+?)\\\]|\\\(([\s\S]+?)\\\)|\$([^$\n]+?)\$/g;
  const ALLOWED = ['p', 'br', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li',
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span'];

  /**
   * Renders Markdown with maths into an element, safely: no raw HTML, no attributes at all, no
   * links or images followed (their text stays), maths by KaTeX (copying it copies the TeX).
   * Maths goes in after sanitising, and only where a placeholder stands as text, never inside
   * an attribute or markup the text made up.
   */
  function markdown(target, text) {
    const maths = [];
    const withoutMaths = (text || '').replace(MATH, (whole, display, bracket, paren, inline) => {
      maths.push({tex: display ?? bracket ?? paren ?? inline, display: display !== undefined || bracket !== undefined});
      return `@@MATH${maths.length - 1}@@`;
    });
    const html = window.marked ? marked.parse(withoutMaths, {gfm: true, breaks: true, async: false})
      : escape(withoutMaths);
    target.innerHTML = window.DOMPurify ? DOMPurify.sanitize(html, {ALLOWED_TAGS: ALLOWED, ALLOWED_ATTR: [],
      ALLOW_DATA_ATTR: false, ALLOW_ARIA_ATTR: false}) : escape(withoutMaths);
    if (!maths.length) return;
    const walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT);
    const texts = [];
    while (walker.nextNode()) if (walker.currentNode.nodeValue.includes('@@MATH')) texts.push(walker.currentNode);
    for (const node of texts) {
      const parts = node.nodeValue.split(/(@@MATH\d+@@)/);
      node.replaceWith(...parts.map(part => {
        const found = /^@@MATH(\d+)@@$/.exec(part);
        const math = found && maths[Number(found[1])];
        if (!math) return document.createTextNode(part); // plain text, or the text itself said "@@MATH…@@"
        const holder = document.createElement('span');
        if (window.katex) {
          katex.render(math.tex, holder, {displayMode: math.display, throwOnError: false, trust: false,
            strict: 'ignore', maxSize: 20, maxExpand: 200});
        } else {
          holder.textContent = math.tex;
        }
        return holder;
      }));
    }
  }

  /** Text made safe to place inside HTML (for libraries that take HTML strings, such as chart tooltips). */
  function escape(text) {
    return String(text).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
  }

  function percent(value) {
    return value === null || value === undefined ? '—' : `${Math.round(value * 100)}%`;
  }

  /** The school's time zone (the page's meta tag), in which times are shown and typed. */
  const timeZone = document.querySelector('meta[name="xueban-time-zone"]')?.content || undefined;

  function dateTime(value) {
    return value ? new Date(value).toLocaleString(document.documentElement.lang || undefined,
      {timeZone, dateStyle: 'medium', timeStyle: 'short'}) : '—';
  }

  /** Minutes the school's zone is ahead of UTC at an instant. */
  function zoneOffset(instant) {
    const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {timeZone, hourCycle: 'h23', year: 'numeric',
      month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit'})
      .formatToParts(instant).map(p => [p.type, p.value]));
    const wall = Date.UTC(+parts.year, parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second);
    return Math.round((wall - instant.getTime()) / 60000);
  }

  /** A datetime-local value ("2026-12-08T18:00") read as the school's wall time, as an ISO instant; '' stays null. */
  function zonedInstant(local) {
    if (!local) {
      return null;
    }
    const asUtc = new Date(`${local}:00Z`);
    const guess = new Date(asUtc.getTime() - zoneOffset(asUtc) * 60000);
    return new Date(asUtc.getTime() - zoneOffset(guess) * 60000).toISOString();
  }

  /**
   * A choice item's options as radio buttons (single choice) or check boxes (multiple choice),
   * lettered A, B, … and each rendered as Markdown; `chosen` holds the letters ticked.
   */
  function choices(item, name, {chosen = '', disabled = false} = {}) {
    const letters = 'ABCDEFGHIJ';
    const type = item.type === 'SINGLE_CHOICE' ? 'radio' : 'checkbox';
    const group = el('fieldset', {}, el('legend', {class: 'visually-hidden'}, t('path.choose')));
    item.options.forEach((option, i) => {
      const input = el('input', {type, name, value: letters[i], disabled});
      input.checked = chosen.includes(letters[i]);
      const text = el('span');
      markdown(text, option);
      group.append(el('label', {class: 'option'}, input, ` ${letters[i]}. `, text));
    });
    return group;
  }

  /** A table: header texts and rows of cells (text or nodes). */
  function tableOf(headers, rows) {
    return el('table', {}, el('thead', {}, el('tr', {}, headers.map(h => el('th', {scope: 'col'}, h)))),
      el('tbody', {}, rows.map(cells => el('tr', {}, cells.map(c => el('td', {}, c))))));
  }

  /** A table whose headers are message keys ('' for an empty header). */
  function table(headerKeys, rows) {
    return tableOf(headerKeys.map(k => (k ? t(k) : '')), rows);
  }

  /**
   * Shows an import refused row by row (a problem with "errors") in a container; false for any
   * other failure, which the caller passes on.
   */
  function rowErrors(target, error) {
    if (!(error instanceof Problem) || !error.body.errors) return false;
    target.replaceChildren(el('p', {class: 'alert'}, t('import.refused', error.body.errors.length)),
      table(['users.row', 'users.problem'], error.body.errors.map(e => [String(e.row ?? ''), e.message || e.field || ''])));
    return true;
  }

  /** Replaces a container's content with rows made by a function, or a line saying there are none. */
  function list(container, items, row, emptyKey = 'empty') {
    container.replaceChildren(...(items && items.length ? items.map(row) : [el('p', {class: 'muted'}, t(emptyKey))]));
  }


  let pickers = 0;

  /**
   * Knowledge points to pick as check boxes inside a fieldset that holds the page's legend, with a
   * filter box for long lists and a line saying how many are chosen. Check boxes, not a multiple
   * select: one click never loses the other picks, and the keyboard and screen readers know them.
   * A required picker stops its form with a sentence saying so. Points are {id, code, name}.
   * Returns {values(), set(ids), replace(points, selected)}; values are numbers.
   */
  function pointPicker(container, points = [], {selected = [], name, required = false} = {}) {
    const prefix = container.id || `picker-${++pickers}`;
    const filter = el('input', {type: 'search', id: `${prefix}-filter`, class: 'picker-filter', autocomplete: 'off',
      placeholder: t('picker.filter-hint')});
    const list = el('div', {class: 'picker-list'});
    const noMatch = el('p', {class: 'muted small', hidden: true}, t('picker.no-match'));
    const status = el('p', {class: 'picker-status small', id: `${prefix}-status`, 'aria-live': 'polite'});
    let boxes = [];
    let refused = false; // a submission was stopped for want of a pick: the sentence stands out until one is made
    container.classList.add('picker');
    container.setAttribute('aria-describedby', status.id);
    container.append(el('label', {for: filter.id, class: 'visually-hidden'}, t('picker.filter')), filter, list, noMatch, status);

    const values = () => boxes.filter(box => box.checked).map(box => Number(box.value));

    function update() {
      const count = values().length;
      const missing = required && count === 0;
      // The group's validity rides on its first box, so the form's own validation stops the submission.
      boxes[0]?.setCustomValidity(missing ? t('picker.required') : '');
      if (!missing) refused = false;
      status.textContent = missing ? t('picker.required') : t('picker.chosen', count);
      status.classList.toggle('alert', missing && refused);
    }

    function narrow() {
      const words = filter.value.trim().toLowerCase();
      let shown = 0;
      for (const box of boxes) {
        const label = box.closest('label');
        label.hidden = words !== '' && !label.textContent.toLowerCase().includes(words);
        if (!label.hidden) shown++;
      }
      noMatch.hidden = !boxes.length || shown > 0;
    }

    function set(ids) {
      const chosen = (ids || []).map(Number);
      boxes.forEach(box => { box.checked = chosen.includes(Number(box.value)); });
      update();
    }

    function replace(newPoints, chosen = []) {
      boxes = newPoints.map(point => el('input', {type: 'checkbox', name, value: point.id}));
      list.replaceChildren(...(boxes.length ? newPoints.map((point, i) => el('label', {class: 'option'}, boxes[i],
        el('span', {class: 'picker-code'}, point.code), ' ', point.name)) : [el('p', {class: 'muted small'}, t('picker.none'))]));
      filter.hidden = !boxes.length;
      narrow();
      set(chosen);
    }

    list.addEventListener('change', update);
    filter.addEventListener('input', narrow);
    // Enter in the filter narrows the list; it must not send the form.
    filter.addEventListener('keydown', event => { if (event.key === 'Enter') event.preventDefault(); });
    container.addEventListener('invalid', () => {
      refused = true;
      filter.value = '';
      narrow();
      update();
    }, true);
    // A reset unticks the boxes and empties the filter after its event: count and filter follow then.
    container.closest('form')?.addEventListener('reset', () => setTimeout(() => {
      refused = false;
      narrow();
      update();
    }));
    replace(points, selected);
    return {values, set, replace};
  }

  return {t, el, api, stream, flash, guard, fields, onSubmit, markdown, escape, percent, dateTime, zonedInstant, list, table, tableOf, rowErrors,
    choices, pointPicker, Problem};
})();
