/**
 * Forgot password: POST /api/auth/password-reset mails a single-use link valid for an hour (the
 * same 202 whether or not the account exists), limited per address (429) and per email (silently,
 * earlier links keep working, logins unaffected); POST /api/auth/password-reset/confirm sets the
 * password, ends every other session, and refuses a used or expired token.
 */
import { beforeEach, describe, expect, test } from 'vitest';
import * as C from './contract';
import {
  Actor,
  PASSWORD,
  SUITE_TIMEOUT,
  dialects,
  expectError,
  expectStatus,
  logIn,
  signUp,
  uniqueEmail,
  type TestApp,
} from './harness';
import { simpleParser } from 'mailparser';
import { mailTo, waitFor, type SmtpCapture, useAppWithSmtp } from './smtp-helpers';

const NEW_PASSWORD = 'a brand new passphrase';
const MINUTE = 60_000;

describe.each(dialects)('password reset on %s', SUITE_TIMEOUT, (dialect) => {
  const ready = useAppWithSmtp(dialect, {
    PUBLIC_URL: 'http://milepost.test',
    TRUST_PROXY: 'true',
    PASSWORD_RESETS_PER_IP: '4',
  });
  // Each test starts in a fresh limit window (15 minutes by default).
  beforeEach(() => ready().app.clock.advance(20 * MINUTE));

  async function requestReset(app: TestApp, email: string): Promise<void> {
    const res = await new Actor(app.url, 'anyone').post('/api/auth/password-reset', { email });
    expect(res.status, res.text).toBe(202);
    expect(res.body).toEqual({});
  }

  /** The tokens of every reset link mailed to `email` so far, oldest first. */
  async function tokensMailedTo(app: TestApp, mail: SmtpCapture, email: string) {
    await app.drainMail();
    const texts = await Promise.all(
      mailTo(mail, email).map(async (m) => (await simpleParser(m.raw)).text ?? ''),
    );
    return texts.map((text) => {
      const link = /^http:\/\/milepost\.test\/reset-password#token=([A-Za-z0-9_-]{43})$/m.exec(
        text,
      );
      if (!link?.[1]) throw new Error(`no reset link in:\n${text}`);
      return link[1];
    });
  }

  const confirm = (app: TestApp, token: string, newPassword = NEW_PASSWORD) => {
    const actor = new Actor(app.url, 'resetting');
    return { actor, res: actor.post('/api/auth/password-reset/confirm', { token, newPassword }) };
  };

  test('a known and an unknown email get the same 202; only the account is mailed a link', async () => {
    const { app, mail } = ready();
    const owner = await signUp(app);
    const email = owner.email ?? '';
    const unknown = uniqueEmail('nobody');
    await requestReset(app, email.toUpperCase());
    await requestReset(app, unknown);
    const tokens = await tokensMailedTo(app, mail, email);
    expect(tokens).toHaveLength(1);
    expect(mailTo(mail, unknown)).toEqual([]);
    const [message] = mailTo(mail, email);
    expect(message?.raw).toMatch(/^Subject: Reset your Milepost password/m);
    const parsed = await simpleParser(message?.raw ?? '');
    expect(parsed.text).toContain('60 minutes');
    expect(parsed.html).toContain('60 minutes');
  });

  test('the link sets the password once, ends every other session and logs the caller in', async () => {
    const { app, mail } = ready();
    const owner = await signUp(app);
    const email = owner.email ?? '';
    const laptop = await logIn(app, email);
    await requestReset(app, email);
    const [token = ''] = await tokensMailedTo(app, mail, email);

    const { actor, res } = confirm(app, token);
    const body = expectStatus(await res, 200, C.AuthResult);
    expect(body.user.email).toBe(email);
    expectStatus(await actor.get('/api/auth/me'), 200, C.AuthResult);
    // Every other session has ended.
    for (const old of [owner, laptop]) {
      expectError(await old.get('/api/auth/me'), { status: 401, code: 'UNAUTHENTICATED' });
    }
    // The old password no longer works; the new one does.
    expectError(
      await new Actor(app.url, 'old').post('/api/auth/login', { email, password: PASSWORD }),
      { status: 401, code: 'INVALID_CREDENTIALS' },
    );
    await logIn(app, email, NEW_PASSWORD);

    // Used once: the same token is refused, and the password stays the one set.
    const again = confirm(app, token, 'yet another passphrase');
    expectError(await again.res, { status: 400, code: 'INVALID_RESET_TOKEN', field: 'token' });
    await logIn(app, email, NEW_PASSWORD);
  });

  test('a link expires after an hour (by the app clock)', async () => {
    const { app, mail } = ready();
    const owner = await signUp(app);
    const email = owner.email ?? '';
    await requestReset(app, email);
    await requestReset(app, email);
    const [first = '', second = ''] = await tokensMailedTo(app, mail, email);
    app.clock.advance(59 * MINUTE);
    expectStatus(await confirm(app, first).res, 200, C.AuthResult);
    // Using one link uses up the others sent before it.
    expectError(await confirm(app, second).res, { status: 400, code: 'INVALID_RESET_TOKEN' });

    await requestReset(app, email);
    const third = (await tokensMailedTo(app, mail, email))[2] ?? '';
    app.clock.advance(61 * MINUTE);
    expectError(await confirm(app, third).res, { status: 400, code: 'INVALID_RESET_TOKEN' });
    await logIn(app, email, NEW_PASSWORD);
  });

  test('a made-up token is refused, and the new password must follow the rules', async () => {
    const { app } = ready();
    expectError(await confirm(app, 'A'.repeat(43)).res, {
      status: 400,
      code: 'INVALID_RESET_TOKEN',
    });
    expectError(await confirm(app, 'short').res, { status: 400, code: 'VALIDATION_FAILED' });
    expectError(await confirm(app, 'B'.repeat(43), 'short').res, {
      status: 400,
      code: 'VALIDATION_FAILED',
      field: 'newPassword',
    });
  });

  test('per email: after 3 mails more requests send nothing, yet earlier links and the password still work', async () => {
    const { app, mail } = ready();
    const owner = await signUp(app);
    const email = owner.email ?? '';
    for (let i = 0; i < 3; i++) await requestReset(app, email);
    // From other addresses, so the per-address limit is not what stops them.
    for (let i = 0; i < 3; i++) {
      const res = await new Actor(app.url, 'flood').post(
        '/api/auth/password-reset',
        { email },
        { headers: { 'x-forwarded-for': `203.0.113.${i}` } },
      );
      expect(res.status).toBe(202);
    }
    const tokens = await tokensMailedTo(app, mail, email);
    expect(tokens).toHaveLength(3);
    // The rightful user is not locked out: the password logs in, the first link still works.
    await logIn(app, email);
    expectStatus(await confirm(app, tokens[0] ?? '').res, 200, C.AuthResult);
  });

  test('per address: beyond the limit a request is refused with 429, whatever the email', async () => {
    const { app, mail } = ready();
    const owner = await signUp(app);
    const email = owner.email ?? '';
    for (let i = 0; i < 4; i++) await requestReset(app, uniqueEmail(`probe${i}`));
    for (const target of [email, uniqueEmail('other')]) {
      const res = await new Actor(app.url, 'probe').post('/api/auth/password-reset', {
        email: target,
      });
      expectError(res, { status: 429, code: 'TOO_MANY_ATTEMPTS' });
    }
    await app.drainMail();
    await waitFor('no mail', () => true);
    expect(mailTo(mail, email)).toEqual([]);
    // Logging in is another door.
    await logIn(app, email);
  });
});
