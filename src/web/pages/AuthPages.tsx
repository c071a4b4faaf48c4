import { useEffect, useState } from 'react';
import { useForm, type UseFormRegister } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import { z } from '../forms';
import { api } from '../api';
import { useAuth } from '../auth';
import { PlainLayout } from '../components/AppLayout';
import { TextField } from '../components/Field';
import { ErrorBanner, SuccessNote } from '../components/Notice';
import { toApiError, useFormErrors, useTitle } from '../hooks';
import { useT } from '../i18n';
import { browserTimeZone } from '../locale';
import { Link, useNavigate } from 'react-router';

const MIN_PASSWORD = 10;

/** The email field of every auth form: one label, one autocomplete, the error beside it. */
function EmailField(props: ReturnType<UseFormRegister<{ email: string }>> & { error?: string }) {
  const t = useT();
  return (
    <TextField label={t('auth.email')} type="email" autoComplete="email" required {...props} />
  );
}

/** A password field; a new one says how long it must be. */
function PasswordField({
  label,
  isNew,
  ...props
}: ReturnType<UseFormRegister<Record<string, string>>> & {
  label: string;
  isNew: boolean;
  error?: string;
}) {
  const t = useT();
  return (
    <TextField
      label={label}
      type="password"
      autoComplete={isNew ? 'new-password' : 'current-password'}
      hint={isNew ? t('auth.password.hint', { min: MIN_PASSWORD }) : undefined}
      required
      maxLength={isNew ? 200 : undefined}
      {...props}
    />
  );
}

export function LoginPage() {
  const t = useT();
  useTitle(t('auth.login.title'));
  const navigate = useNavigate();
  const { state, signedIn } = useAuth();
  const errors = useFormErrors();
  const schema = z.object({
    email: z.string().trim().min(1, t('auth.required')),
    password: z.string().min(1, t('auth.required')),
  });
  const form = useForm<z.infer<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { email: '', password: '' },
  });

  const submit = form.handleSubmit(async (fields) => {
    errors.clear();
    try {
      const { user, limits } = await api.login(fields);
      signedIn(user, limits);
      void navigate('/app', { replace: true });
    } catch (err) {
      errors.show(err, ['email', 'password']);
    }
  });
  const fieldError = (name: 'email' | 'password') =>
    form.formState.errors[name]?.message ?? errors.fields[name];

  return (
    <PlainLayout>
      <section className="card">
        <h1>{t('auth.login.title')}</h1>
        <ErrorBanner message={errors.banner ?? (state.status === 'out' ? state.error : null)} />
        <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
          <EmailField {...form.register('email')} error={fieldError('email')} />
          <PasswordField
            label={t('auth.password')}
            isNew={false}
            {...form.register('password')}
            error={fieldError('password')}
          />
          <button type="submit" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? t('auth.login.busy') : t('auth.login.submit')}
          </button>
        </form>
        <div className="auth-links">
          <p>
            <Link to="/forgot-password">{t('auth.login.forgot')}</Link>
          </p>
          <p>
            {t('auth.login.new')} <Link to="/signup">{t('auth.login.signup')}</Link>
          </p>
        </div>
      </section>
    </PlainLayout>
  );
}

export function SignupPage() {
  const t = useT();
  const navigate = useNavigate();
  useTitle(t('auth.signup.title'));
  const { signedIn } = useAuth();
  const errors = useFormErrors();
  const schema = z.object({
    name: z.string().trim().min(1, t('auth.required')),
    email: z.string().trim().min(1, t('auth.required')),
    password: z.string().min(MIN_PASSWORD, t('auth.password.tooShort', { min: MIN_PASSWORD })),
  });
  const form = useForm<z.infer<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { name: '', email: '', password: '' },
  });

  const submit = form.handleSubmit(async (fields) => {
    errors.clear();
    try {
      const { user, limits } = await api.signup({ ...fields, timeZone: browserTimeZone() });
      signedIn(user, limits);
      void navigate('/app', { replace: true });
    } catch (err) {
      errors.show(err, ['name', 'email', 'password']);
    }
  });
  const fieldError = (name: 'name' | 'email' | 'password') =>
    form.formState.errors[name]?.message ?? errors.fields[name];

  return (
    <PlainLayout>
      <section className="card">
        <h1>{t('auth.signup.title')}</h1>
        <p className="lead">{t('auth.signup.lead')}</p>
        <ErrorBanner message={errors.banner} />
        <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
          <TextField
            label={t('auth.signup.name')}
            autoComplete="name"
            required
            {...form.register('name')}
            error={fieldError('name')}
          />
          <EmailField {...form.register('email')} error={fieldError('email')} />
          <PasswordField
            label={t('auth.password')}
            isNew
            {...form.register('password')}
            error={fieldError('password')}
          />
          <button type="submit" disabled={form.formState.isSubmitting}>
            {form.formState.isSubmitting ? t('auth.signup.busy') : t('auth.signup.submit')}
          </button>
        </form>
        <p>
          {t('auth.signup.haveAccount')} <Link to="/login">{t('auth.login.title')}</Link>
        </p>
      </section>
    </PlainLayout>
  );
}

/** "Forgot password?": asks for the email and says the same whether or not it has an account. */
export function ForgotPasswordPage() {
  const t = useT();
  useTitle(t('auth.forgot.title'));
  const schema = z.object({
    email: z.string().trim().email(t('auth.forgot.emailInvalid')),
  });
  const form = useForm<z.infer<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { email: '' },
  });
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = form.handleSubmit(async ({ email }) => {
    setError(null);
    try {
      await api.requestPasswordReset(email);
      setSentTo(email);
    } catch (err) {
      setError(toApiError(err).message);
    }
  });

  return (
    <PlainLayout>
      <section className="card stack">
        <h1>{t('auth.forgot.title')}</h1>
        {sentTo !== null ? (
          <>
            <SuccessNote>{t('auth.forgot.sent', { email: sentTo })}</SuccessNote>
            <p className="muted">{t('auth.forgot.sentHint')}</p>
          </>
        ) : (
          <>
            <p className="muted">{t('auth.forgot.lead')}</p>
            <ErrorBanner message={error} />
            <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
              <EmailField
                {...form.register('email')}
                error={form.formState.errors.email?.message}
              />
              <button type="submit" disabled={form.formState.isSubmitting}>
                {form.formState.isSubmitting ? t('auth.forgot.busy') : t('auth.forgot.submit')}
              </button>
            </form>
          </>
        )}
        <p>
          <Link to="/login">{t('auth.backToLogin')}</Link>
        </p>
      </section>
    </PlainLayout>
  );
}

/** The token the reset mail's link carries in its fragment (`/reset-password#token=…`). */
function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token !== null && /^[A-Za-z0-9_-]{43}$/.test(token) ? token : null;
}

/** Sets a new password with the mail's token: logs in on success (every other session ends). */
export function ResetPasswordPage() {
  const t = useT();
  useTitle(t('auth.reset.title'));
  const navigate = useNavigate();
  const { signedIn } = useAuth();
  // Read once, then taken out of the address bar so it is not left in history or screenshots.
  const [token] = useState(() => tokenFromHash(window.location.hash));
  const [invalid, setInvalid] = useState(token === null);
  const [error, setError] = useState<string | null>(null);
  const schema = z
    .object({
      password: z.string().min(MIN_PASSWORD, t('auth.password.tooShort', { min: MIN_PASSWORD })),
      repeat: z.string(),
    })
    .refine((v) => v.password === v.repeat, {
      message: t('auth.reset.mismatch'),
      path: ['repeat'],
    });
  const form = useForm<z.infer<typeof schema>>({
    resolver: zodResolver(schema),
    defaultValues: { password: '', repeat: '' },
  });

  useEffect(() => {
    if (window.location.hash !== '')
      window.history.replaceState(window.history.state, '', window.location.pathname);
  }, []);

  const submit = form.handleSubmit(async ({ password }) => {
    if (token === null) return;
    setError(null);
    try {
      const { user, limits } = await api.confirmPasswordReset({ token, newPassword: password });
      signedIn(user, limits);
      void navigate('/app', { replace: true, state: { notice: 'passwordReset' } });
    } catch (err) {
      const e = toApiError(err);
      if (e.code === 'INVALID_RESET_TOKEN' || e.field === 'token') {
        setInvalid(true);
      } else if (e.field === 'newPassword') {
        form.setError('password', { message: e.message });
      } else {
        setError(e.message);
      }
    }
  });

  return (
    <PlainLayout>
      <section className="card stack">
        <h1>{t('auth.reset.title')}</h1>
        {invalid ? (
          <div className="stack" role="alert">
            <p>
              <strong>{t('auth.reset.invalidTitle')}</strong>
            </p>
            <p>{t('auth.reset.invalid')}</p>
            <p>
              <Link to="/forgot-password">{t('auth.reset.again')}</Link>
            </p>
          </div>
        ) : (
          <>
            <p className="muted">{t('auth.reset.lead')}</p>
            <ErrorBanner message={error} />
            <form onSubmit={(e) => void submit(e)} className="stack" noValidate>
              <PasswordField
                label={t('auth.reset.newPassword')}
                isNew
                {...form.register('password')}
                error={form.formState.errors.password?.message}
              />
              <TextField
                label={t('auth.reset.repeat')}
                type="password"
                autoComplete="new-password"
                required
                maxLength={200}
                {...form.register('repeat')}
                error={form.formState.errors.repeat?.message}
              />
              <button type="submit" disabled={form.formState.isSubmitting}>
                {form.formState.isSubmitting ? t('auth.reset.busy') : t('auth.reset.submit')}
              </button>
            </form>
          </>
        )}
        <p>
          <Link to="/login">{t('auth.backToLogin')}</Link>
        </p>
      </section>
    </PlainLayout>
  );
}
