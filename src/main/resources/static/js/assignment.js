/*
 * One assignment as its teacher follows it: the live view (server-sent events, no reload) of who
 * has begun and how each item goes, with the wrong answers by whom; the results per student and
 * item; the exports; and the 讲评 view with common wrong answers and library passages.
 */
(() => {
  const {t, el, api, guard, flash, markdown, percent, dateTime} = X;
  const id = Number(document.body.dataset.assignment);
  let events = null;
  let resultsAt = 0;
  let classId = null;

  async function load() {
    const assignment = await api('GET', `/api/assignments/${id}`);
    document.getElementById('assignment-title').textContent = assignment.title;
    document.title = `${assignment.title} · ${t('app.name')}`;
    document.getElementById('assignment-meta').textContent = [t(`assignments.kind.${assignment.kind}`),
      t(`assignments.status.${assignment.status}`), assignment.dueAt ? t('tasks.due', dateTime(assignment.dueAt)) : t('tasks.no-due'),
      assignment.parts.length > 1 ? t('assignment.parts', assignment.parts.map(p => p.label || '—').join(t('sep.list'))) : '']
      .filter(Boolean).join(' · ');
    document.getElementById('publish').hidden = assignment.status !== 'DRAFT';
    document.getElementById('publish').textContent = t(assignment.kind === 'LIVE' ? 'assignment.start' : 'assignment.publish');
    document.getElementById('close').hidden = assignment.status !== 'PUBLISHED';
    document.getElementById('remind').hidden = assignment.status !== 'PUBLISHED';
    document.getElementById('cancel').hidden = assignment.status === 'CLOSED';
    document.getElementById('export-xlsx').href = `/api/assignments/${id}/results/export?format=xlsx`;
    document.getElementById('export-csv').href = `/api/assignments/${id}/results/export?format=csv`;
    classId = assignment.classId;
    await results();
    await marking();
    follow(assignment);
  }

  /** The live view follows the answers while the assignment runs; otherwise it is read once. */
  function follow(assignment) {
    if (events) {
      events.close();
      events = null;
    }
    if (assignment.status === 'PUBLISHED') {
      events = new EventSource(`/api/assignments/${id}/live/stream`);
      events.addEventListener('live', event => {
        showLive(JSON.parse(event.data));
        // The table of students follows too, at most every two seconds.
        if (Date.now() - resultsAt > 2000) guard(results);
      });
      events.onerror = () => {
        document.getElementById('live-waiting').textContent = t('assignment.reconnecting');
      };
    } else {
      guard(async () => showLive(await api('GET', `/api/assignments/${id}/live`)));
    }
  }

  function showLive(view) {
    document.getElementById('live-summary').textContent = t('assignment.live-summary', view.started, view.students, view.submitted);
    document.getElementById('live-waiting').textContent = view.notStarted.length
      ? t('assignment.not-started', view.notStarted.join(t('sep.list'))) : t('assignment.all-started');
    document.getElementById('live-items').replaceChildren(...view.items.map((item, index) => {
      const stem = el('div', {class: 'stem markdown'});
      markdown(stem, item.stem);
      const share = item.answered ? item.right / item.answered : null;
      return el('div', {class: 'live-item', dataset: {item: item.itemId}},
        el('h3', {}, t('assignment.item', index + 1, item.code || '')), stem,
        el('p', {class: 'live-share'}, t('assignment.item-share', item.answered, percent(share)),
          el('span', {class: 'bar', 'aria-hidden': 'true'}, el('span', {style: `width:${Math.round((share || 0) * 100)}%`}))),
        item.wrong.length ? el('ul', {class: 'wrong'}, item.wrong.map(w => el('li', {},
          el('strong', {}, wrongLabel(w)), ' ', t('assignment.wrong-who', w.count, w.students.join(t('sep.list')))))) : '');
    }));
  }

  function wrongLabel(wrong) {
    if (!wrong.answer) return t('assignment.blank');
    return wrong.optionText ? t('assignment.wrong-option', wrong.answer, wrong.optionText) : wrong.answer;
  }

  async function results() {
    resultsAt = Date.now();
    const r = await api('GET', `/api/assignments/${id}/results`);
    document.getElementById('results-summary').textContent = t('assignment.results-summary', r.submitted, r.students, r.late, r.missing);
    document.getElementById('results').replaceChildren(X.table(
      ['assignment.student', 'assignment.part', 'assignment.state', 'assignment.score', 'assignment.submitted-at'],
      r.byStudent.map(s => [s.name || s.username, s.part || '—',
        el('span', {class: `state state-${s.state}`}, t(`assignment.state.${s.state}`)), percent(s.score), dateTime(s.submittedAt)])));
    document.getElementById('items').replaceChildren(X.table(['assignment.item-code', 'assignment.item-stem', 'assignment.answered', 'assignment.right'],
      r.byItem.map(i => [i.code || `#${i.itemId}`, i.stem.length > 60 ? `${i.stem.slice(0, 60)}…` : i.stem, String(i.answered),
        i.answered ? percent(i.right / i.answered) : '—'])));
    // What handing in did to mastery: the mean chance before and after, for those who handed in.
    document.getElementById('points').replaceChildren(X.table(['assignment.point', 'assignment.right', 'assignment.mastery-change'],
      r.byPoint.map(p => [`${p.code} ${p.name}`, p.answered ? percent(p.right / p.answered) : '—',
        p.masteryBefore === null ? '—' : t('assignment.mastery-from-to', percent(p.masteryBefore), percent(p.masteryAfter), p.students)])));
  }

  /** Open answers handed in, each marked right or wrong by the teacher. */
  let suggestionsAwaited = null;
  async function marking() {
    const waiting = await api('GET', `/api/assignments/marking?classId=${classId}&assignmentId=${id}`);
    // Suggested marks come in the background: look again while some are still being asked for.
    clearTimeout(suggestionsAwaited);
    if (waiting.some(answer => answer.suggesting)) suggestionsAwaited = setTimeout(() => guard(marking), 10000);
    document.getElementById('marking-section').hidden = !waiting.length;
    document.getElementById('marking').replaceChildren(...waiting.map(answer => {
      const stem = el('div', {class: 'stem markdown'});
      markdown(stem, answer.stem);
      const given = el('div', {class: 'markdown'});
      markdown(given, answer.answer || t('assignment.blank'));
      const mark = correct => guard(async () => {
        await api('POST', `/api/assignments/${id}/answers/${answer.studentId}/${answer.itemId}/mark`, {correct});
        flash(t('assignment.marked', answer.studentName), 'note');
        await marking();
        await results();
      });
      const photo = answer.photo ? [
        el('img', {src: `/api/assignments/${id}/answers/${answer.studentId}/${answer.itemId}/photo`, alt: t('class.photo-alt'),
          style: 'max-width:100%;max-height:20rem'})] : [];
      const suggestion = answer.suggestedCorrect !== null && answer.suggestedCorrect !== undefined
        ? el('p', {class: 'muted small suggestion'}, t(answer.suggestedCorrect ? 'assignment.suggested-right' : 'assignment.suggested-wrong'),
          answer.suggestion ? ` ${answer.suggestion}` : '')
        : answer.suggesting ? el('p', {class: 'muted small suggestion'}, t('assignment.suggesting')) : null;
      return el('li', {class: 'marking-item', dataset: {student: answer.studentId, item: answer.itemId}},
        el('p', {class: 'muted small'}, `${answer.studentName} · ${answer.code || ''}`), stem,
        el('p', {}, t(answer.photo ? 'assignment.their-photo' : 'assignment.their-answer')), given, ...photo, suggestion,
        el('p', {class: 'muted small'}, t('path.right-answer', answer.answerKey)),
        el('p', {}, el('button', {type: 'button', class: 'mark-right', onclick: () => mark(true)}, t('assignment.mark-right')), ' ',
          el('button', {type: 'button', class: 'secondary mark-wrong', onclick: () => mark(false)}, t('assignment.mark-wrong'))));
    }));
  }

  async function review() {
    const view = await api('GET', `/api/assignments/${id}/review`);
    X.list(document.getElementById('review'), view.items, item => {
      const stem = el('div', {class: 'stem markdown'});
      markdown(stem, item.stem);
      const li = el('li', {class: 'review-item', dataset: {item: item.itemId}},
        el('p', {class: 'muted small'}, `${item.code || ''} · ${t('assignment.review-share', item.answered, percent(item.shareRight))}`),
        stem, el('p', {}, t('path.right-answer', item.answerKey)));
      if (item.explanation) {
        const explanation = el('div', {class: 'explanation markdown'});
        markdown(explanation, item.explanation);
        li.append(explanation);
      }
      for (const wrong of item.commonWrong) {
        li.append(el('p', {class: 'bad'}, t('assignment.common-wrong', wrongLabel(wrong), wrong.count)));
      }
      for (const passage of item.passages) {
        li.append(el('blockquote', {}, passage.excerpt, el('footer', {class: 'muted small'}, passage.citation)));
      }
      return li;
    }, 'assignment.review-empty');
  }

  async function act(path, confirmKey) {
    if (confirmKey && !confirm(t(confirmKey))) return;
    await api('POST', `/api/assignments/${id}/${path}`);
    flash(t(`assignment.done.${path}`), 'note');
    await load();
  }

  document.getElementById('publish').addEventListener('click', () => guard(() => act('publish')));
  document.getElementById('close').addEventListener('click', () => guard(() => act('close', 'assignment.confirm-close')));
  document.getElementById('cancel').addEventListener('click', () => guard(async () => {
    if (!confirm(t('assignment.confirm-cancel'))) return;
    await api('DELETE', `/api/assignments/${id}`);
    location.href = '/assignments';
  }));
  document.getElementById('remind').addEventListener('click', () => guard(async () => {
    const reminded = await api('POST', `/api/assignments/${id}/remind`);
    flash(t('assignment.reminded', reminded.students), 'note');
  }));
  document.getElementById('load-review').addEventListener('click', () => guard(review));
  window.addEventListener('pagehide', () => events && events.close());
  guard(load);
})();
