/*
 * The item bank for staff: items of a subject, by knowledge point, type and Bloom level, each with
 * its options, key, explanation and how the school's students first answered it; items added and
 * changed through the same API as every other client. The filters stay in the address, so the page
 * can be linked to one point (?subjectId=…&kpId=…).
 */
(() => {
  const {t, el, api, guard, flash, markdown, percent} = X;
  const params = new URLSearchParams(location.search);
  const subject = document.getElementById('items-subject');
  const point = document.getElementById('items-kp');
  const type = document.getElementById('items-type');
  const bloom = document.getElementById('items-bloom');
  const form = document.getElementById('item-form');
  const kpBox = document.getElementById('item-kps');
  const LETTERS = 'ABCDEFGHIJ';
  const TYPES = ['SINGLE_CHOICE', 'MULTIPLE_CHOICE', 'FILL_IN', 'OPEN'];
  const BLOOM = ['REMEMBER', 'UNDERSTAND', 'APPLY', 'ANALYZE', 'EVALUATE', 'CREATE'];
  // The same bands as the bank filter of a new assignment (logits).
  const band = b => (b < -0.5 ? 'EASY' : b > 0.5 ? 'HARD' : 'MEDIUM');
  const FIELDS = ['code', 'type', 'stem', 'options', 'answerKey', 'explanation', 'bloomLevel', 'kpIds'];
  let points = [];
  let statistics = new Map();
  let editing = null; // the item whose form is open, null for a new one

  const isChoice = value => value === 'SINGLE_CHOICE' || value === 'MULTIPLE_CHOICE';
  const any = key => el('option', {value: ''}, t(key));
  const kpName = id => points.find(k => k.id === id)?.name;

  function fillFilters() {
    type.replaceChildren(any('assignment-new.any'), ...TYPES.map(x => el('option', {value: x}, t(`item-type.${x}`))));
    bloom.replaceChildren(any('assignment-new.any'), ...BLOOM.map(x => el('option', {value: x}, t(`bloom.${x}`))));
    type.value = params.get('type') || '';
    bloom.value = params.get('bloomLevel') || '';
  }

  async function loadSubjects() {
    const subjects = await api('GET', '/api/subjects');
    subject.replaceChildren(...subjects.map(s => el('option', {value: s.id}, s.name)));
    if (params.get('subjectId')) subject.value = params.get('subjectId');
    if (!subject.value && subjects.length) subject.value = subjects[0].id;
    await loadSubject(params.get('kpId'));
  }

  /** The subject's points and its items' statistics (over the whole school), then its items. */
  async function loadSubject(kpId) {
    if (!subject.value) {
      X.list(document.getElementById('items'), [], null, 'items.no-subject');
      return;
    }
    points = await api('GET', `/api/knowledge-points?subjectId=${subject.value}`);
    point.replaceChildren(any('items.all-points'), ...points.map(k => el('option', {value: k.id}, `${k.code} ${k.name}`)));
    point.value = kpId && points.some(k => String(k.id) === String(kpId)) ? kpId : '';
    await loadStatistics();
    await loadItems();
  }

  async function loadStatistics() {
    const all = await api('GET', `/api/insight/item-statistics?subjectId=${subject.value}`);
    statistics = new Map(all.map(s => [s.itemId, s]));
  }

  async function loadItems() {
    const query = new URLSearchParams({subjectId: subject.value});
    if (point.value) query.set('kpId', point.value);
    if (type.value) query.set('type', type.value);
    if (bloom.value) query.set('bloomLevel', bloom.value);
    history.replaceState(null, '', `?${query}`);
    query.set('limit', 500);
    const items = await api('GET', `/api/items?${query}`);
    document.getElementById('items-count').textContent = t(items.length === 500 ? 'items.count-limit' : 'items.count', items.length);
    X.list(document.getElementById('items'), items, itemCard, 'items.empty');
  }

  function difficulty(item) {
    if (item.difficulty === null || item.difficulty === undefined) return t('items.difficulty-none');
    const b = item.difficulty.toFixed(2);
    const level = t(`assignment-new.difficulty.${band(item.difficulty)}`);
    return item.calibrationModel ? t('items.difficulty-calibrated', b, level, item.calibrationModel)
      : t('items.difficulty-estimated', b, level);
  }

  function itemCard(item) {
    const stats = statistics.get(item.id);
    const answered = stats ? stats.answers : 0;
    const counts = new Map((stats?.options || []).map(o => [o.option, o]));
    const stem = el('div', {class: 'stem markdown'});
    markdown(stem, item.stem);
    const card = el('li', {class: 'item-card', dataset: {item: item.id}},
      el('p', {class: 'item-head'}, el('span', {class: 'badge item-code'}, item.code || `#${item.id}`), ' ',
        el('span', {class: 'muted small'}, [t(`item-type.${item.type}`), t(`bloom.${item.bloomLevel}`), difficulty(item)]
          .join(' · '))),
      stem);
    if (item.options?.length) {
      card.append(el('ol', {class: 'item-options'}, item.options.map((option, i) => {
        const letter = LETTERS[i];
        const text = el('span', {class: 'markdown'});
        markdown(text, option);
        const count = counts.get(letter);
        counts.delete(letter);
        const right = item.answerKey.includes(letter);
        return el('li', {class: right ? 'key' : null, dataset: {option: letter}}, el('strong', {}, `${letter}.`), ' ', text,
          right ? el('span', {class: 'badge level-mastered'}, t('items.key-badge')) : null,
          answered ? el('span', {class: 'muted small'}, t('items.chosen', count ? count.count : 0, percent(count ? count.share : 0)))
            : null);
      })));
    }
    card.append(el('p', {class: 'item-key'}, t('path.right-answer', item.answerKey)));
    if (item.explanation) {
      const explanation = el('div', {class: 'explanation markdown'});
      markdown(explanation, item.explanation);
      card.append(el('div', {class: 'item-explanation'}, el('strong', {}, t('items.explanation')), explanation));
    }
    card.append(el('p', {class: 'muted small'}, t('items.points', item.kpIds.map(id => kpName(id) || `#${id}`)
      .join(t('sep.list')))));
    const others = [...counts.values()].filter(o => o.count > 0)
      .map(o => t('items.other-answer', o.option, o.count)).join(t('sep.semicolon'));
    card.append(el('p', {class: 'item-stats small'}, !answered ? t('items.no-answers')
      : [t('items.stats', answered, percent(stats.pValue)),
        stats.pointBiserial === null ? null : t('items.discrimination', stats.pointBiserial.toFixed(2)),
        others || null].filter(Boolean).join(t('sep.semicolon'))));
    card.append(el('p', {}, el('button', {type: 'button', class: 'secondary item-edit',
      'aria-label': t('items.edit-named', item.code || `#${item.id}`), onclick: () => open(item)}, t('items.edit'))));
    return card;
  }

  /** Opens the form for a new item (null) or to change one. */
  function open(item) {
    editing = item;
    form.reset();
    document.getElementById('item-form-title').textContent = item ? t('items.form-edit', item.code || `#${item.id}`)
      : t('items.form-new');
    const chosen = item ? item.kpIds : point.value ? [Number(point.value)] : [];
    kpBox.replaceChildren(kpBox.querySelector('legend'), ...points.map(k => {
      const box = el('input', {type: 'checkbox', name: 'kp', value: k.id});
      box.checked = chosen.includes(k.id);
      return el('label', {class: 'inline'}, box, `${k.code} ${k.name}`);
    }));
    if (item) {
      for (const name of ['code', 'type', 'bloomLevel', 'stem', 'answerKey', 'explanation']) form.elements[name].value = item[name] ?? '';
      form.elements.options.value = (item.options || []).join('\n');
    } else if (type.value) {
      form.elements.type.value = type.value;
    }
    showOptions();
    form.hidden = false;
    form.scrollIntoView({block: 'start'});
    form.elements.stem.focus();
  }

  function close() {
    editing = null;
    form.hidden = true;
  }

  function showOptions() {
    document.getElementById('item-options-field').hidden = !isChoice(form.elements.type.value);
  }

  /** Field errors of a refused form as one sentence per field, in the page's words. */
  function inSentences(error) {
    const errors = error instanceof X.Problem ? error.body.errors : null;
    if (!errors?.length) return error;
    const label = field => {
      const name = field.replace(/\[\d+\]$/, '');
      return FIELDS.includes(name) ? t(`items.field.${name}`) : name;
    };
    return new X.Problem(error.status, errors.map(e => t('items.field-problem', label(e.field), e.message))
      .join(t('sep.semicolon')), error.body);
  }

  X.onSubmit(form, async fields => {
    const listed = points.map(k => k.id);
    const kpIds = [...kpBox.querySelectorAll('input:checked')].map(box => Number(box.value))
      // points of the item outside this subject's list are kept, not dropped unseen
      .concat((editing?.kpIds || []).filter(id => !listed.includes(id)));
    const body = {subjectId: editing ? editing.subjectId : Number(subject.value), code: fields.code, type: fields.type,
      bloomLevel: fields.bloomLevel, stem: fields.stem, answerKey: fields.answerKey, explanation: fields.explanation, kpIds,
      options: isChoice(fields.type) ? (fields.options || '').split('\n').map(s => s.trim()).filter(Boolean) : null,
      // an edit keeps the difficulty (and so the calibration) it had
      difficulty: editing ? editing.difficulty : null};
    let saved;
    try {
      saved = editing ? await api('PUT', `/api/items/${editing.id}`, body) : await api('POST', '/api/items', body);
    } catch (error) {
      throw inSentences(error);
    }
    close();
    flash(t('items.saved', saved.code || `#${saved.id}`), 'note');
    await loadStatistics();
    await loadItems();
    document.querySelector(`#items li[data-item="${saved.id}"]`)?.scrollIntoView({block: 'nearest'});
  });

  fillFilters();
  form.elements.type.addEventListener('change', showOptions);
  document.getElementById('item-add').addEventListener('click', () => open(null));
  document.getElementById('item-cancel').addEventListener('click', close);
  subject.addEventListener('change', () => guard(() => { close(); return loadSubject(null); }));
  for (const filter of [point, type, bloom]) filter.addEventListener('change', () => guard(loadItems));
  guard(loadSubjects);
})();
