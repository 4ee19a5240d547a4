/* A student's learning path: next steps with reasons, library passages, items answered in the page. */
(() => {
  const {t, el, api, guard, flash, markdown} = X;
  const student = document.getElementById('main').dataset.student;
  const stepsList = document.getElementById('steps');

  function answerForm(item) {
    const name = `answer-${item.itemId}`;
    const form = el('form', {class: 'item', dataset: {item: item.itemId}});
    const stem = el('div', {class: 'stem markdown'});
    markdown(stem, item.stem);
    // A student sees no chances of success, only what to do.
    form.append(el('p', {class: 'muted small'}, t('path.item', item.code)), stem);
    if (item.type === 'SINGLE_CHOICE' || item.type === 'MULTIPLE_CHOICE') {
      form.append(X.choices(item, name));
    } else if (item.type === 'FILL_IN') {
      form.append(el('label', {}, t('path.your-answer'), el('input', {name, required: true, autocomplete: 'off'})));
    } else {
      form.append(el('p', {class: 'note'}, t('path.open-item'), ' ', el('a', {href: `/study/photo?item=${item.itemId}`}, t('path.photo'))));
      return form;
    }
    const result = el('p', {class: 'result', role: 'status'});
    // After a wrong answer: the right one, and the buddy to ask why.
    const wrong = el('div', {class: 'after-wrong'});
    form.append(el('button', {type: 'submit'}, t('path.submit')), result, wrong);
    form.addEventListener('submit', event => {
      event.preventDefault();
      const chosen = [...form.querySelectorAll(`input[name="${name}"]`)]
        .filter(input => input.type === 'text' || input.checked || !['radio', 'checkbox'].includes(input.type))
        .map(input => input.value.trim()).filter(Boolean);
      if (!chosen.length) {
        result.textContent = t('path.answer-first');
        return;
      }
      const answer = item.type === 'FILL_IN' ? chosen[0] : chosen.join('');
      guard(async () => {
        form.querySelector('button').disabled = true;
        const recorded = await api('POST', '/api/responses', {itemId: item.itemId, answer, source: 'TYPED'});
        result.textContent = recorded.correct > 0 ? t('path.correct') : t('path.incorrect');
        result.className = recorded.correct > 0 ? 'result good' : 'result bad';
        if (recorded.correct === 0) {
          wrong.replaceChildren(
            recorded.rightAnswer ? el('p', {}, t('path.right-answer', recorded.rightAnswer)) : '',
            el('button', {type: 'button', class: 'secondary ask'}, t('path.ask-buddy')),
            el('button', {type: 'button', class: 'secondary next'}, t('path.next')));
          wrong.querySelector('button.next').addEventListener('click', () => guard(load));
          wrong.querySelector('button.ask').addEventListener('click', () => guard(async () => {
            const conversation = await api('POST', '/api/conversations', {itemId: item.itemId, title: t('path.ask-title', item.code)});
            location.href = `/study?conversation=${conversation.id}`;
          }));
        }
        flash(t('path.updated'), 'note');
        if (recorded.correct !== 0) setTimeout(() => guard(load), 1200);
      }).finally(() => { form.querySelector('button').disabled = false; });
    });
    return form;
  }

  function step(s, index) {
    const resources = s.resources.length ? el('details', {},
      el('summary', {}, t('path.resources', s.resources.length)),
      el('ul', {}, s.resources.map(r => el('li', {}, el('strong', {}, r.title), ' ',
        el('cite', {}, r.citation), el('p', {class: 'excerpt'}, r.excerpt))))) : null;
    return el('li', {class: `card step kind-${s.kind.toLowerCase()}`, dataset: {kp: s.kpId}},
      el('h2', {}, `${index + 1}. ${s.name} `, el('span', {class: 'badge'}, t(`path.kind.${s.kind}`))),
      el('p', {}, s.explanation),
      s.teacherNote ? el('p', {class: 'note'}, t('path.teacher-note', s.teacherNote)) : null,
      s.kind === 'REVIEW' ? el('p', {class: 'muted small'}, t('path.recall')) : null,
      resources,
      s.items.map(answerForm));
  }

  /** The points the student has answered, each with its level and why in a sentence (no percentages). */
  function point(k) {
    return el('li', {dataset: {kp: k.kpId}}, el('strong', {}, k.name), ' ',
      el('span', {class: `badge level-${k.level.toLowerCase()}`}, k.levelLabel), ' ',
      el('span', {class: 'muted small'}, k.explanation));
  }

  async function load() {
    const mastery = await api('GET', `/api/students/${student}/mastery`);
    X.list(document.getElementById('points'), mastery.knowledgePoints.filter(k => k.attempts > 0), point, 'path.points-empty');
    const path = await api('GET', `/api/students/${student}/path`);
    X.list(stepsList, path.steps, step, 'path.empty');
    const skipped = document.getElementById('skipped');
    document.getElementById('skipped-section').hidden = !path.skipped.length;
    skipped.replaceChildren(...path.skipped.map(s => el('li', {}, `${s.name}${t('sep.colon')}${s.reason}`)));
  }

  document.getElementById('explain').addEventListener('click', event => guard(async () => {
    event.target.disabled = true;
    const target = document.getElementById('explanation');
    target.textContent = t('chat.thinking');
    try {
      const explained = await api('GET', `/api/students/${student}/path/explanation`);
      target.replaceChildren(el('p', {}, explained.intro || ''),
        el('ul', {}, explained.steps.map(s => el('li', {}, s.text))));
    } finally {
      event.target.disabled = false;
    }
  }, () => { document.getElementById('explanation').textContent = ''; }));
  guard(load);
})();
