// The login / register screen.

import { humanError } from './errors.js';
import { showError } from './util.js';

/**
 * Account rules of protocol v1; checked here too so mistakes are explained before a round trip.
 * Capitals are fine: the server stores usernames lower case ("Alice" registers as alice).
 */
export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const DISPLAY_NAME_MAX = 64;

export function validateRegistration(username, password, displayName) {
  if (!USERNAME_PATTERN.test(username)) {
    return 'Username must be 3–32 characters of letters a–z (any case), 0–9, “_”, “.” or “-”.';
  }
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    return `Password must be ${PASSWORD_MIN}–${PASSWORD_MAX} characters.`;
  }
  if (displayName.length > DISPLAY_NAME_MAX) {
    return `Display name must be at most ${DISPLAY_NAME_MAX} characters.`;
  }
  return null;
}

export class AuthView {
  /**
   * @param {{onLogin: Function, onRegister: Function}} actions each returns a Promise; a
   *   rejection's message is shown in #auth-error
   */
  constructor({ onLogin, onRegister }) {
    this.screen = document.getElementById('auth-screen');
    this.form = document.getElementById('auth-form');
    this.username = document.getElementById('auth-username');
    this.password = document.getElementById('auth-password');
    this.displayName = document.getElementById('auth-displayname');
    this.loginButton = document.getElementById('auth-login');
    this.registerButton = document.getElementById('auth-register');
    this.error = document.getElementById('auth-error');

    // The form's submit (Enter in a field, or #auth-login) logs in.
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const username = this.username.value.trim();
      const password = this.password.value;
      if (!username || !password) {
        this.showError('Enter your username and password.');
        return;
      }
      this.run(() => onLogin(username, password));
    });

    // An error about what was typed goes once the fields are cleared.
    this.form.addEventListener('input', () => {
      if (!this.username.value && !this.password.value && !this.displayName.value) this.showError('');
    });

    this.registerButton.addEventListener('click', () => {
      const username = this.username.value.trim();
      const password = this.password.value;
      const displayName = this.displayName.value.trim();
      const problem = validateRegistration(username, password, displayName);
      if (problem) {
        this.showError(problem);
        return;
      }
      this.run(() => onRegister(username, password, displayName));
    });
  }

  async run(action) {
    this.showError('');
    this.setBusy(true);
    try {
      await action();
    } catch (error) {
      this.showError(humanError(error));
    } finally {
      this.setBusy(false);
    }
  }

  setBusy(busy) {
    this.loginButton.disabled = busy;
    this.registerButton.disabled = busy;
    this.form.setAttribute('aria-busy', String(busy));
  }

  show(message = '') {
    this.screen.hidden = false;
    this.password.value = '';
    this.showError(message);
    this.username.focus();
  }

  hide() {
    this.screen.hidden = true;
    this.showError('');
    this.password.value = '';
  }

  showError(message) {
    showError(this.error, message);
  }
}
