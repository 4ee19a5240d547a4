/* Accounts: CSV roster import (row errors shown, nothing half-imported), create, edit, disable. */
(() => {
  const {t, el, api, guard, flash, table} = X;
  const dialog = document.getElementById('edit-dialog');
  const editForm = document.getElementById('edit-form');
  let editing = null;

  async function load() {
    const role = document.getElementById('role-filter').value;
    const users = await api('GET', `/api/users${role ? `?role=${role}` : ''}`);
    X.list(document.getElementById('users'), users.length ? [users] : [], rows => table(
      ['users.username', 'users.name', 'users.role', 'users.email', 'users.status', ''],
      rows.map(u => [u.username, u.displayName, t(`role.${u.role}`), u.email || '',
        u.enabled ? t('users.enabled') : t('users.disabled'),
        el('button', {type: 'button', class: 'link', 'aria-label': t('users.edit-named', u.displayName), onclick: () => edit(u)}, t('users.edit'))])));
  }

  function edit(user) {
    editing = user;
    editForm.elements.displayName.value = user.displayName;
    editForm.elements.email.value = user.email || '';
    editForm.elements.password.value = '';
    editForm.elements.enabled.checked = user.enabled;
    dialog.showModal();
  }

  editForm.addEventListener('submit', event => {
    event.preventDefault();
    guard(async () => {
      const change = {displayName: editForm.elements.displayName.value.trim(), enabled: editForm.elements.enabled.checked,
        email: editForm.elements.email.value.trim()};
      if (editForm.elements.password.value) change.password = editForm.elements.password.value;
      await api('PATCH', `/api/users/${editing.id}`, change);
      dialog.close();
      flash(t(change.password ? 'users.saved-password' : 'users.saved'), 'note');
      await load();
    });
  });
  document.getElementById('edit-cancel').addEventListener('click', () => dialog.close());
  document.getElementById('edit-sign-out').addEventListener('click', () => guard(async () => {
    await api('POST', `/api/users/${editing.id}/sign-out`);
    dialog.close();
    flash(t('users.signed-out', editing.displayName), 'note');
  }));

  X.onSubmit(document.getElementById('create-form'), async (fields, form) => {
    await api('POST', '/api/users', fields);
    form.reset();
    flash(t('users.created', fields.username), 'note');
    await load();
  });

  X.onSubmit(document.getElementById('import-form'), async (fields, form) => {
    const target = document.getElementById('import-result');
    const csv = await form.elements.file.files[0].text();
    try {
      let result = await api('POST', '/api/roster', csv);
      // A large file is checked at once, then imported in the background: follow it until it ends.
      while (result.state) {
        if (result.state === 'FAILED') throw new Error(result.problem);
        if (result.state === 'DONE') {
          result = result.result;
          break;
        }
        target.replaceChildren(el('p', {class: 'note'}, t(`users.import-${result.state}`, result.hashed, result.rows)));
        await new Promise(resolve => setTimeout(resolve, 2000));
        result = await api('GET', `/api/roster/imports/${result.id}`);
      }
      target.replaceChildren(el('p', {class: 'note'}, t('users.imported', result.usersCreated, result.classesCreated.length,
        result.enrolments, result.teachingAssignments)),
      result.initialPasswords.length ? el('details', {open: true}, el('summary', {}, t('users.passwords')),
        table(['users.username', 'users.password'], result.initialPasswords.map(c => [c.username, el('code', {}, c.password)]))) : '');
      form.reset();
      await load();
    } catch (error) {
      if (!X.rowErrors(target, error)) throw error;
    }
  });

  document.getElementById('role-filter').addEventListener('change', () => guard(load));
  guard(load);
})();
