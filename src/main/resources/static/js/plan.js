/* One lesson plan: live progress while written, the plan, section edits and rewrites, versions, diff, accept, export. */
(() => {
  const {t, el, api, guard, flash, markdown, dateTime} = X;
  const main = document.getElementById('main');
  const planId = main.dataset.plan;
  const me = Number(main.dataset.me);
  const FIELDS = {OBJECTIVES: 'objectives', KEY_POINTS: 'keyPoints', DIFFICULTIES: 'difficulties',
    LEARNER_ANALYSIS: 'learnerAnalysis', PREPARATION: 'preparation', PROCESS: 'process', BOARD_DESIGN: 'boardDesign',
    EXIT_TICKET: 'exitTicket', HOMEWORK: 'homework', REFERENCES: 'references'};
  /** Lists of records in a draft: an empty one has nothing to edit. */
  const RECORD_LISTS = ['objectives', 'process', 'newItems', 'references'];
  let plan = null;

  /** Follows a plan being written: htmx's SSE extension holds the connection, this reads its events. */
  function follow() {
    const live = document.getElementById('plan-live');
    // A connection of its own each time (an error closes it by removing it; a retry follows anew).
    document.getElementById('plan-events')?.remove();
    const events = el('div', {id: 'plan-events', 'hx-ext': 'sse', 'sse-swap': 'plan,stage,token,done,error,pending',
      'sse-close': 'done'}, el('ol', {class: 'stages', id: 'stages'}), el('pre', {class: 'tokens', id: 'tokens', 'aria-live': 'off'}));
    live.append(events);
    live.hidden = false;
    events.addEventListener('htmx:sseBeforeMessage', event => {
      event.preventDefault(); // the data is JSON, shown as text below, never swapped in as HTML
      const message = event.detail;
      if (!message.data) return; // the connection's own error event: htmx reconnects
      const data = JSON.parse(message.data);
      const stages = document.getElementById('stages');
      switch (message.type) {
        case 'plan':
          // Each (re)connection replays the plan's progress from its start.
          stages.replaceChildren();
          document.getElementById('tokens').textContent = '';
          break;
        case 'stage':
          stages.querySelectorAll('li.current').forEach(li => li.classList.replace('current', 'done'));
          stages.append(el('li', {class: 'current'}, data.message));
          break;
        case 'token': {
          const tokens = document.getElementById('tokens');
          tokens.textContent += data.text;
          tokens.scrollTop = tokens.scrollHeight;
          break;
        }
        case 'done':
          live.hidden = true;
          guard(load);
          break;
        case 'error':
          events.remove(); // closes the connection
          live.hidden = true;
          guard(load); // shows what happened and the retry
          break;
        case 'pending':
          setTimeout(() => guard(load), 3000);
          break;
        default:
      }
    });
    events.setAttribute('sse-connect', `/api/lesson-plans/${planId}/events`);
    htmx.process(events);
  }

  function render(view) {
    plan = view;
    // An older version shown: it can be read and exported, not edited, rewritten or accepted.
    const shownVersion = view.version?.version ?? view.currentVersion;
    const current = shownVersion === view.currentVersion;
    document.getElementById('plan-title').textContent = view.version?.content?.title || view.request.topic || t('plans.untitled');
    // A plan not written yet (or failed) has no version to name.
    document.getElementById('plan-meta').textContent = t(view.currentVersion ? 'plan.meta' : 'plan.meta-unwritten',
      view.context?.className || '', view.context?.subjectName || '',
      view.request.lessonType, view.request.duration, t(`plan.status.${view.status}`), view.currentVersion);
    const owner = view.teacherId === me;
    const ready = view.status === 'READY' || view.status === 'ACCEPTED';
    document.getElementById('plan-actions').hidden = !ready;
    for (const id of ['edit-section', 'regenerate-open', 'accept']) document.getElementById(id).hidden = !owner || !current;
    document.getElementById('accept').disabled = view.acceptedVersion === view.currentVersion;
    document.getElementById('export-docx').href = `/api/lesson-plans/${planId}/export?format=docx&version=${shownVersion}`;
    document.getElementById('export-md').href = `/api/lesson-plans/${planId}/export?format=markdown&version=${shownVersion}`;
    document.getElementById('export-worksheet').href =
      `/api/lesson-plans/${planId}/export?format=docx&copy=student&version=${shownVersion}`;
    for (const [id, from] of [['assign-check', 'EXIT_TICKET'], ['assign-homework', 'HOMEWORK']]) {
      document.getElementById(id).href = `/assignments/new?classId=${view.classId}&planId=${planId}&from=${from}`;
      document.getElementById(id).hidden = !owner;
    }
    if (!current) {
      editForm.hidden = true;
      regenerateForm.hidden = true;
    }
    const flags = view.version?.flags || [];
    const flagged = document.getElementById('plan-flags');
    flagged.hidden = !flags.length;
    flagged.textContent = flags.length ? t('plan.flags', flags.join(t('sep.semicolon'))) : '';
    const body = document.getElementById('plan-body');
    if (view.markdown) markdown(body, view.markdown);
    else if (view.status === 'FAILED') {
      // What happened and what to do, and the same request again in one click.
      const retry = el('button', {type: 'button', id: 'plan-retry', onclick: () => guard(async () => {
        retry.disabled = true;
        retry.textContent = t('plan.retrying');
        render(await api('POST', `/api/lesson-plans/${planId}/retry`));
        follow();
      }, () => { retry.disabled = false; retry.textContent = t('plan.retry'); })}, t('plan.retry'));
      body.replaceChildren(el('p', {class: 'note', id: 'plan-failure'}, view.failureMessage), owner ? el('p', {}, retry) : null);
    } else body.replaceChildren(el('p', {class: 'muted'}, t('plan.writing')));
    const context = view.context;
    document.getElementById('context-section').hidden = !context;
    if (context) {
      document.getElementById('context').replaceChildren(
        el('p', {}, t('plan.context-points'), context.knowledgePoints.map(k => k.name).join(t('sep.list'))),
        context.sources.length ? el('h3', {}, t('plan.sources')) : null,
        el('ul', {}, context.sources.map(s => el('li', {}, `[${s.label}] ${s.citation}`))));
    }
  }

  async function versions() {
    const all = await api('GET', `/api/lesson-plans/${planId}/versions`);
    document.getElementById('versions-section').hidden = !all.length;
    document.getElementById('versions').replaceChildren(X.table(
      ['plan.version', 'plan.source', 'plan.note', 'plan.by', 'plan.when', 'plan.view'],
      all.map(v => [`v${v.version}`, t(`plan.source.${v.source}`), v.note || '', v.createdBy || '', dateTime(v.createdAt),
        el('button', {type: 'button', class: 'link', onclick: () => guard(async () => {
          render(await api('GET', `/api/lesson-plans/${planId}?version=${v.version}`));
          flash(t('plan.showing-version', v.version), 'note');
        })}, t('plan.view'))])));
    for (const id of ['diff-from', 'diff-to']) {
      const select = document.getElementById(id);
      select.replaceChildren(...all.map(v => el('option', {value: v.version}, `v${v.version}`)));
    }
    if (all.length > 1) document.getElementById('diff-from').value = String(all[all.length - 2].version);
    if (all.length) document.getElementById('diff-to').value = String(all[all.length - 1].version);
  }

  async function load() {
    const view = await api('GET', `/api/lesson-plans/${planId}`);
    render(view);
    await versions();
    return view;
  }

  /** A form for any part of the draft: text, lists of text (one per line), numbers, ids, nested records. */
  function editor(value, name, path) {
    const id = `f-${path.join('-')}`;
    const label = t(`draft.${name}`);
    if (Array.isArray(value) && name.endsWith('Ids')) {
      return el('div', {}, el('label', {for: id}, label),
        el('input', {id, value: value.join(', '), dataset: {path: JSON.stringify(path), kind: 'ids'}}));
    }
    if (Array.isArray(value) && !value.length && RECORD_LISTS.includes(name)) {
      return el('p', {class: 'muted small'}, `${label}${t('sep.colon')}${t('empty')}`); // records are not made up in a form
    }
    if (Array.isArray(value) && value.every(v => typeof v === 'string')) {
      return el('div', {}, el('label', {for: id}, label, ' ', el('span', {class: 'muted small'}, t('draft.one-per-line'))),
        el('textarea', {id, rows: Math.max(3, value.length + 1), dataset: {path: JSON.stringify(path), kind: 'lines'}}, value.join('\n')));
    }
    if (Array.isArray(value)) {
      return el('fieldset', {}, el('legend', {}, label),
        value.map((item, i) => el('fieldset', {}, el('legend', {}, `${i + 1}`), editor(item, name, [...path, i]))));
    }
    if (value !== null && typeof value === 'object') {
      return el('div', {}, Object.entries(value).map(([key, inner]) => editor(inner, key, [...path, key])));
    }
    if (typeof value === 'number') {
      return el('div', {}, el('label', {for: id}, label),
        el('input', {id, type: 'number', value, dataset: {path: JSON.stringify(path), kind: 'number'}}));
    }
    return el('div', {}, el('label', {for: id}, label),
      el('textarea', {id, rows: Math.min(12, Math.max(2, Math.ceil(String(value ?? '').length / 60))),
        dataset: {path: JSON.stringify(path), kind: 'text'}}, value ?? ''));
  }

  function collect(draft, container) {
    const copy = structuredClone(draft);
    for (const input of container.querySelectorAll('[data-path]')) {
      const path = JSON.parse(input.dataset.path);
      let target = copy;
      path.slice(0, -1).forEach(key => { target = target[key]; });
      const raw = input.value;
      target[path[path.length - 1]] = {
        lines: () => raw.split('\n').map(s => s.trim()).filter(Boolean),
        ids: () => raw.split(/[,，\s]+/).filter(Boolean).map(Number),
        number: () => Number(raw),
        text: () => raw,
      }[input.dataset.kind]();
    }
    return copy;
  }

  const editForm = document.getElementById('edit-form');
  document.getElementById('edit-section').addEventListener('click', () => {
    const field = FIELDS[document.getElementById('section').value];
    const draft = plan.version.content;
    document.getElementById('edit-fields').replaceChildren(editor(draft[field], field, [field]));
    editForm.hidden = false;
    editForm.querySelector('textarea, input')?.focus();
  });
  document.getElementById('edit-cancel').addEventListener('click', () => { editForm.hidden = true; });
  X.onSubmit(editForm, async fields => {
    const content = collect(plan.version.content, document.getElementById('edit-fields'));
    render(await api('PUT', `/api/lesson-plans/${planId}`, {content, note: fields.note}));
    editForm.hidden = true;
    editForm.reset();
    flash(t('plan.saved'), 'note');
    await versions();
  });

  const regenerateForm = document.getElementById('regenerate-form');
  document.getElementById('regenerate-open').addEventListener('click', () => {
    regenerateForm.hidden = false;
    regenerateForm.elements.instruction.focus();
  });
  X.onSubmit(regenerateForm, async fields => {
    const section = document.getElementById('section').value;
    flash(t('plan.regenerating'), 'note');
    render(await api('POST', `/api/lesson-plans/${planId}/sections/${section}/regenerate`, {instruction: fields.instruction}));
    regenerateForm.hidden = true;
    regenerateForm.reset();
    flash(t('plan.regenerated'), 'note');
    await versions();
  });

  document.getElementById('accept').addEventListener('click', () => guard(async () => {
    render(await api('POST', `/api/lesson-plans/${planId}/accept`));
    flash(t('plan.accepted'), 'note');
  }));

  X.onSubmit(document.getElementById('diff-form'), async fields => {
    const sections = await api('GET', `/api/lesson-plans/${planId}/diff?from=${fields.from}&to=${fields.to}`);
    const changed = sections.filter(s => s.changed);
    X.list(document.getElementById('diff'), changed, s => el('div', {},
      el('h3', {}, s.heading),
      el('pre', {class: 'diff'}, s.lines.map(line => el('div', {
        class: line.op === 'ADDED' ? 'diff-add' : line.op === 'REMOVED' ? 'diff-del' : ''},
        `${line.op === 'ADDED' ? '+ ' : line.op === 'REMOVED' ? '− ' : '  '}${line.text}`)))), 'plan.no-changes');
  });

  guard(async () => {
    const view = await load();
    if (view.status === 'GENERATING') follow();
  });
})();
