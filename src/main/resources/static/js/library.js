/* The library: search with citations, upload with metadata and live ingestion progress, documents, the index. */
(() => {
  const {t, el, api, guard, flash, list, dateTime} = X;
  const main = document.getElementById('main');
  const me = Number(main.dataset.me);
  const admin = main.dataset.admin === 'true';
  const KINDS = ['LESSON_DESIGN', 'TEACHING_NOTE', 'CURRICULUM_STANDARD', 'TEXTBOOK', 'OTHER'];

  for (const id of ['search-kind', 'upload-kind']) {
    document.getElementById(id).append(...KINDS.map(k => el('option', {value: k}, t(`kind.${k}`))));
  }

  function status(d) {
    if (d.status === 'FAILED') return t('library.failed', d.error?.message || '');
    if (d.status === 'READY') return t('library.ready', d.progress?.chunksTotal ?? 0);
    return t('library.processing', d.progress?.chunksDone ?? 0, d.progress?.chunksTotal ?? '?');
  }

  async function documents() {
    const all = await api('GET', '/api/knowledge/documents?limit=500');
    X.list(document.getElementById('documents'), all.length ? [all] : [], rows => el('table', {},
      el('thead', {}, el('tr', {}, ['library.title', 'library.kind', 'library.author', 'library.status', 'library.added', '']
        .map(k => el('th', {scope: 'col'}, k ? t(k) : '')))),
      el('tbody', {}, rows.map(d => el('tr', {dataset: {document: d.id}},
        el('td', {}, d.status === 'READY' ? el('a', {href: `/library/documents/${d.id}`}, d.title) : d.title,
          d.visibility === 'PRIVATE' ? el('span', {class: 'badge'}, t('library.private')) : null),
        el('td', {}, t(`kind.${d.kind}`)), el('td', {}, d.author || ''), el('td', {}, status(d)), el('td', {}, dateTime(d.createdAt)),
        el('td', {}, d.ownerId === me || admin ? el('button', {type: 'button', class: 'link', 'aria-label': t('library.delete-named', d.title),
          onclick: () => guard(async () => {
          if (!confirm(t('library.confirm-delete', d.title))) return;
          await api('DELETE', `/api/knowledge/documents/${d.id}`);
          await documents();
        })}, t('library.delete')) : null))))));
  }

  /** Follows one document's ingestion until it is ready or failed. */
  function follow(document_, target) {
    const bar = el('progress', {class: 'progress', max: 1, value: 0});
    const line = el('p', {role: 'status'}, status(document_));
    target.replaceChildren(el('p', {}, el('strong', {}, document_.title)), bar, line);
    const events = new EventSource(`/api/knowledge/documents/${document_.id}/events`);
    const show = message => {
      const d = JSON.parse(message.data);
      line.textContent = status(d);
      if (d.progress?.chunksTotal) {
        bar.max = d.progress.chunksTotal;
        bar.value = d.progress.chunksDone;
      }
      if (d.status === 'READY' || d.status === 'FAILED') {
        events.close();
        if (d.status === 'READY') bar.value = bar.max;
        guard(documents);
      }
    };
    for (const name of ['progress', 'ready', 'failed']) events.addEventListener(name, show);
    events.addEventListener('deleted', () => events.close());
    events.onerror = () => { if (events.readyState === EventSource.CLOSED) line.textContent = t('error.offline'); };
  }

  const uploadPoints = X.pointPicker(document.getElementById('upload-kps'), [], {name: 'kpIds'});
  guard(async () => {
    const subjects = await api('GET', '/api/subjects');
    const subject = document.getElementById('upload-subject');
    subject.replaceChildren(el('option', {value: ''}, '—'), ...subjects.map(s => el('option', {value: s.id}, s.name)));
    uploadPoints.replace(await api('GET', '/api/knowledge-points'));
  });

  X.onSubmit(document.getElementById('upload-form'), async (fields, form) => {
    const data = new FormData();
    data.append('file', form.elements.file.files[0]);
    for (const [key, value] of Object.entries(fields)) if (key !== 'kpIds') data.append(key, value);
    for (const id of uploadPoints.values()) data.append('kpIds', id);
    const uploaded = await api('POST', '/api/knowledge/documents', data);
    form.reset();
    if (uploaded.duplicate) flash(t('library.duplicate', uploaded.title), 'note');
    else follow(uploaded, document.getElementById('upload-progress'));
    await documents();
  });

  X.onSubmit(document.getElementById('search-form'), async fields => {
    const query = new URLSearchParams({q: fields.q, limit: '10'});
    if (fields.kind) query.append('kind', fields.kind);
    const found = await api('GET', `/api/knowledge/search?${query}`);
    list(document.getElementById('results'), found.results, r => el('li', {class: 'card'},
      el('p', {}, el('cite', {}, r.label)), el('p', {class: 'excerpt'}, r.text),
      el('p', {class: 'muted small'}, t('library.matched', r.matchedBy, r.score.toFixed(3)), ' · ',
        el('a', {href: `/library/documents/${r.citation.documentId}?chunk=${r.chunkId}`, class: 'read-whole'},
          t('library.read-whole')))), 'library.no-results');
  });

  if (admin) {
    const show = async () => {
      document.getElementById('index-status').textContent = JSON.stringify(await api('GET', '/api/knowledge/index'), null, 2);
    };
    guard(show);
    document.getElementById('index-rebuild').addEventListener('click', () => guard(async () => {
      const rebuilt = await api('POST', '/api/knowledge/index/rebuild');
      flash(t('library.rebuilt', rebuilt.passages, rebuilt.tookMs), 'note');
      await show();
    }));
  }
  guard(documents);
})();
