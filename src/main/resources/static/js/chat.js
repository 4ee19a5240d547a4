/* The study buddy (students) and the teacher assistant (staff): one conversation at a time, replies streamed. */
(() => {
  const {t, el, api, stream, guard, markdown, Problem} = X;
  const root = document.getElementById('chat');
  const log = document.getElementById('chat-log');
  const form = document.getElementById('chat-form');
  const input = document.getElementById('chat-input');
  const select = document.getElementById('conversation-select');
  const newButton = document.getElementById('chat-new');
  let conversationId = null;
  let sending = false;

  /** One message: the person's words as plain text, the assistant's as safe Markdown with maths. */
  function bubble(role, text, status) {
    const body = el('div', {class: 'body'});
    const node = el('article', {class: `msg ${role === 'USER' ? 'mine' : 'theirs'}`, dataset: {status: status || ''}},
      el('h3', {class: 'visually-hidden'}, t(role === 'USER' ? 'chat.you' : 'chat.assistant')),
      // Every reply says it is the AI's, where it is read (the labelling rules for generated content).
      role === 'USER' ? null : el('p', {class: 'ai-mark small'}, t('chat.ai-mark')), body);
    if (role === 'USER') body.textContent = text;
    else markdown(body, text);
    if (status === 'BLOCKED') node.append(el('p', {class: 'muted small'}, t('chat.blocked')));
    if (status === 'FAILED') node.append(el('p', {class: 'muted small'}, t('chat.failed')));
    return node;
  }

  async function showConversation(id) {
    select.value = String(id);
    const page = await api('GET', `/api/conversations/${id}/messages?limit=50`);
    // Another conversation was chosen while this one loaded: that one is shown, not this.
    if (select.value !== String(id)) return;
    conversationId = id;
    log.replaceChildren(...page.messages.slice().reverse().map(m => bubble(m.role, m.content, m.status)));
    if (!page.messages.length) log.append(el('p', {class: 'muted'}, t('chat.empty')));
    log.scrollTop = log.scrollHeight;
  }

  async function newConversation() {
    const created = await api('POST', '/api/conversations', {});
    select.prepend(el('option', {value: created.id}, t('chat.untitled', X.dateTime(created.createdAt))));
    await showConversation(created.id);
    input.focus();
  }

  async function loadConversations() {
    const conversations = await api('GET', '/api/conversations?limit=50');
    select.replaceChildren(...conversations.map(c =>
      el('option', {value: c.id}, c.title || t('chat.untitled', X.dateTime(c.createdAt)))));
    // Opened for one conversation (from an item on the path page): that one, else the latest.
    const wanted = Number(new URLSearchParams(location.search).get('conversation'));
    const shown = conversations.find(c => c.id === wanted) || conversations[0];
    if (shown) {
      select.value = shown.id;
      await showConversation(shown.id);
    } else {
      await newConversation();
    }
  }

  async function send(content) {
    if (sending || !content || conversationId === null) return;
    sending = true;
    // While a reply streams, the conversation cannot be switched under it.
    for (const control of [form.querySelector('button'), select, newButton]) control.disabled = true;
    log.setAttribute('aria-busy', 'true');
    log.querySelector('p.muted')?.remove();
    log.append(bubble('USER', content));
    const reply = bubble('ASSISTANT', '');
    reply.classList.add('streaming');
    const body = reply.querySelector('.body');
    const status = el('p', {class: 'muted small', role: 'status'}, t('chat.thinking'));
    reply.append(status);
    log.append(reply);
    log.scrollTop = log.scrollHeight;
    let text = '';
    let scheduled = false;
    const render = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => { scheduled = false; markdown(body, text); log.scrollTop = log.scrollHeight; });
    };
    try {
      await stream(`/api/conversations/${conversationId}/messages`, {body: {content}, on: {
        break: d => { log.insertBefore(el('p', {class: 'note small break-reminder', role: 'status'}, t('chat.break', d.minutes)), reply); },
        queued: d => { status.textContent = d.ahead > 0 ? t('chat.queued', d.ahead) : t('chat.thinking'); },
        token: d => { status.textContent = ''; text += d.text; render(); },
        reply: d => { status.textContent = ''; text = d.text; render(); },
        blocked: d => { text = d.text || ''; render(); status.textContent = t('chat.blocked'); },
        error: d => { status.textContent = d.detail || t('chat.failed'); reply.dataset.status = 'FAILED'; },
        done: () => { if (status.textContent === t('chat.thinking')) status.textContent = ''; },
      }});
      input.value = '';
    } catch (error) {
      reply.remove();
      log.lastElementChild?.classList.add('unsent');
      // Caps, quiet hours and a full model server are explained where the person is looking, kindly,
      // not as failures; the words stay in the box to send later.
      const kind = error instanceof Problem && [429, 503, 403].includes(error.status) ? 'note' : 'alert';
      log.append(el('p', {class: `${kind} small`, role: 'status'}, error instanceof Problem ? error.message : t('error.generic')));
      log.scrollTop = log.scrollHeight;
    } finally {
      reply.classList.remove('streaming');
      sending = false;
      for (const control of [form.querySelector('button'), select, newButton]) control.disabled = false;
      log.setAttribute('aria-busy', 'false');
      input.focus();
    }
  }

  async function checkPolicy() {
    if (root.dataset.policy !== 'true') return true;
    const policy = await api('GET', '/api/ai-policy');
    if (policy.accepted) return true;
    const panel = document.getElementById('policy');
    markdown(document.getElementById('policy-text'), policy.text);
    panel.hidden = false;
    const accept = document.getElementById('policy-accept');
    accept.addEventListener('click', () => guard(async () => {
      accept.disabled = true;
      try {
        await api('POST', '/api/ai-policy/accept');
      } finally {
        accept.disabled = false; // a failed accept can be tried again
      }
      panel.hidden = true;
      await open();
    }));
    return false;
  }

  async function open() {
    // Shown once a conversation is there to send to: a message typed sooner would have nowhere to go.
    await loadConversations();
    document.getElementById('chat-main').hidden = false;
    input.focus();
  }

  form.addEventListener('submit', event => { event.preventDefault(); send(input.value.trim()); });
  input.addEventListener('keydown', event => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(input.value.trim());
    }
  });
  select.addEventListener('change', () => guard(() => showConversation(Number(select.value))));
  newButton.addEventListener('click', () => guard(newConversation));
  guard(async () => { if (await checkPolicy()) await open(); });
})();
