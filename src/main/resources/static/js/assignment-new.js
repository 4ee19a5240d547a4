/*
 * Setting work for a class: where the items come from (the bank, a lesson plan's 课堂检测 or
 * 分层作业, each student's path), then the parts (which students answer which items) to check
 * and change, then the times and when answers show. Nothing is stored until the teacher saves.
 */
(() => {
  const {t, el, api, guard, flash, markdown} = X;
  const params = new URLSearchParams(location.search);
  const classSelect = document.getElementById('class');
  const planSelect = document.getElementById('plan');
  const form = document.getElementById('assignment-form');
  const partsBox = document.getElementById('parts');
  let parts = [];
  let lessonPlanId = null;
  let students = [];

  const source = () => document.querySelector('input[name=source]:checked').value;

  function showSource() {
    const chosen = source();
    document.getElementById('source-bank').hidden = chosen !== 'BANK';
    document.getElementById('source-plan').hidden = chosen !== 'EXIT_TICKET' && chosen !== 'HOMEWORK';
    document.getElementById('source-next').hidden = chosen !== 'NEXT_STEPS';
  }

  async function loadClass() {
    students = (await api('GET', `/api/classes/${classSelect.value}/students`))
      .map(s => ({studentId: s.id, name: s.displayName}));
    const plans = (await api('GET', '/api/lesson-plans?limit=200'))
      .filter(p => p.classId === Number(classSelect.value) && (p.status === 'READY' || p.status === 'ACCEPTED'));
    planSelect.replaceChildren(...plans.map(p => el('option', {value: p.id}, p.request.topic || t('plans.untitled'))));
    if (params.get('planId')) planSelect.value = params.get('planId');
  }

  const DIFFICULTY = {EASY: [null, -0.5], MEDIUM: [-0.5, 0.5], HARD: [0.5, null]};

  async function loadBank() {
    const query = new URLSearchParams({limit: 200});
    const filters = {kpId: 'bank-kp', bloomLevel: 'bank-bloom', type: 'bank-type'};
    for (const [name, id] of Object.entries(filters)) {
      const value = document.getElementById(id).value;
      if (value) query.set(name, value);
    }
    const range = DIFFICULTY[document.getElementById('bank-difficulty').value];
    if (range && range[0] !== null) query.set('minDifficulty', range[0]);
    if (range && range[1] !== null) query.set('maxDifficulty', range[1]);
    const items = await api('GET', `/api/items?${query}`);
    X.list(document.getElementById('bank-items'), items, item => {
      const stem = el('span', {class: 'stem markdown'});
      markdown(stem, item.stem);
      return el('li', {}, el('label', {class: 'inline'},
        el('input', {type: 'checkbox', value: item.id, dataset: {code: item.code || '', type: item.type, stem: item.stem}}),
        el('span', {class: 'muted small'}, item.code || `#${item.id}`), stem));
    }, 'assignment-new.bank-empty');
  }

  async function loadFilters() {
    const points = await api('GET', '/api/knowledge-points');
    const any = () => el('option', {value: ''}, t('assignment-new.any'));
    document.getElementById('bank-kp').replaceChildren(any(), ...points.map(kp => el('option', {value: kp.id}, `${kp.code} ${kp.name}`)));
    document.getElementById('bank-bloom').replaceChildren(any(), ...['REMEMBER', 'UNDERSTAND', 'APPLY', 'ANALYZE', 'EVALUATE', 'CREATE']
      .map(level => el('option', {value: level}, t(`bloom.${level}`))));
    document.getElementById('bank-type').replaceChildren(any(), ...['SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'FILL_IN', 'OPEN']
      .map(type => el('option', {value: type}, t(`item-type.${type}`))));
    document.getElementById('bank-difficulty').replaceChildren(any(), ...Object.keys(DIFFICULTY)
      .map(level => el('option', {value: level}, t(`assignment-new.difficulty.${level}`))));
  }

  async function propose() {
    const chosen = source();
    let proposal;
    if (chosen === 'BANK') {
      const picked = [...document.querySelectorAll('#bank-items input:checked')]
        .map(box => ({itemId: Number(box.value), code: box.dataset.code, type: box.dataset.type, stem: box.dataset.stem}));
      if (!picked.length) {
        flash(t('assignment-new.pick-items'));
        return;
      }
      proposal = {title: '', kind: 'HOMEWORK', lessonPlanId: null, withoutItems: [],
        parts: [{label: null, tier: null, items: picked, students}]};
    } else if (chosen === 'NEXT_STEPS') {
      proposal = await api('GET', `/api/assignments/proposal?from=NEXT_STEPS&classId=${classSelect.value}`
        + `&items=${document.getElementById('per-student').value}`);
    } else {
      if (!planSelect.value) {
        flash(t('assignment-new.no-plan'));
        return;
      }
      proposal = await api('GET', `/api/assignments/proposal?from=${chosen}&planId=${planSelect.value}`);
    }
    lessonPlanId = proposal.lessonPlanId;
    parts = proposal.parts.map(p => ({label: p.label, tier: p.tier, items: [...p.items], students: [...p.students]}));
    document.getElementById('title').value = proposal.title;
    document.getElementById('kind').value = proposal.kind;
    document.getElementById('without').textContent = proposal.withoutItems.length
      ? t('assignment-new.without', proposal.withoutItems.map(s => s.name).join(t('sep.list'))) : '';
    form.hidden = false;
    renderParts();
    form.scrollIntoView({block: 'start'});
  }

  /** Each part: its name, its items (removable) and its students (each can move to another part). */
  function renderParts() {
    partsBox.replaceChildren(...parts.map((part, index) => {
      const label = el('input', {value: part.label || '', maxlength: 100, 'aria-label': t('assignment-new.part-name'),
        placeholder: t('assignment-new.everybody')});
      label.addEventListener('change', () => { part.label = label.value.trim() || null; });
      const items = part.items.length ? part.items.map((item, i) => el('li', {dataset: {item: item.itemId}},
        el('span', {class: 'muted small'}, item.code || `#${item.itemId}`), ' ', stemOf(item.stem), ' ',
        el('button', {type: 'button', class: 'link', 'aria-label': t('assignment-new.remove-item'),
          onclick: () => { part.items.splice(i, 1); renderParts(); }}, '✕')))
        : [el('li', {class: 'alert'}, t('assignment-new.part-no-items'))];
      const people = part.students.map(student => {
        const move = el('select', {'aria-label': t('assignment-new.move', student.name)},
          parts.map((other, j) => el('option', {value: j, selected: j === index}, other.label || t('assignment-new.part', j + 1))));
        move.addEventListener('change', () => {
          part.students = part.students.filter(s => s !== student);
          parts[Number(move.value)].students.push(student);
          renderParts();
        });
        return el('li', {dataset: {student: student.studentId}}, student.name, parts.length > 1 ? move : '');
      });
      return el('fieldset', {class: 'part', dataset: {tier: part.tier || ''}},
        el('legend', {}, part.label || t('assignment-new.part', index + 1),
          ' · ', t('assignment-new.counts', part.students.length, part.items.length)),
        label, el('ol', {class: 'part-items'}, items), el('ul', {class: 'part-students links'}, people));
    }));
  }

  function stemOf(text) {
    const span = el('span', {class: 'markdown'});
    markdown(span, text.length > 80 ? `${text.slice(0, 80)}…` : text);
    return span;
  }

  function request() {
    const used = parts.filter(p => p.students.length);
    const empty = used.find(p => !p.items.length);
    if (empty) {
      throw new X.Problem(400, t('assignment-new.part-needs-items', empty.label || t('assignment-new.everybody')));
    }
    return {
      classId: Number(classSelect.value),
      title: document.getElementById('title').value.trim(),
      note: document.getElementById('note').value.trim() || null,
      kind: document.getElementById('kind').value,
      lessonPlanId,
      parts: used.map(p => ({label: p.label, itemIds: p.items.map(i => i.itemId), studentIds: p.students.map(s => s.studentId)})),
      opensAt: X.zonedInstant(document.getElementById('opens-at').value),
      dueAt: X.zonedInstant(document.getElementById('due-at').value),
      showAnswers: document.getElementById('show-answers').value,
      allowLate: document.getElementById('allow-late').checked,
      attempts: Number(document.getElementById('attempts').value) || 1,
    };
  }

  async function save(publish) {
    const created = await api('POST', '/api/assignments', request());
    if (publish) await api('POST', `/api/assignments/${created.id}/publish`);
    location.href = `/assignments/${created.id}`;
  }

  form.addEventListener('submit', event => {
    event.preventDefault();
    guard(() => save(false));
  });
  document.getElementById('publish').addEventListener('click', () => guard(() => save(true)));
  document.getElementById('propose').addEventListener('click', () => guard(propose));
  document.querySelectorAll('input[name=source]').forEach(radio => radio.addEventListener('change', showSource));
  ['bank-kp', 'bank-bloom', 'bank-type', 'bank-difficulty']
    .forEach(id => document.getElementById(id).addEventListener('change', () => guard(loadBank)));
  classSelect.addEventListener('change', () => guard(loadClass));

  guard(async () => {
    const classes = await api('GET', '/api/classes');
    classSelect.replaceChildren(...classes.map(c => el('option', {value: c.id}, c.name)));
    if (params.get('classId')) classSelect.value = params.get('classId');
    if (params.get('from')) {
      const radio = document.querySelector(`input[name=source][value=${params.get('from')}]`);
      if (radio) radio.checked = true;
    }
    showSource();
    await Promise.all([loadClass(), loadFilters().then(loadBank)]);
  });
})();
