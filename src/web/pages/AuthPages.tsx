import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { useAuth } from '../auth';
import { PlainLayout } from '../components/AppLayout';
import { TextField } from '../components/Field';
import { ErrorBanner } from '../components/Notice';
import { useFormErrors, useTitle } from '../hooks';
import { browserTimeZone } from '../locale';
import { Link, useNavigate } from 'react-router';

export function LoginPage() {
  useTitle('Log in');
  const navigate = useNavigate();
  const { state, signedIn } = useAuth();
  const errors = useFormErrors();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    setBusy(true);
    try {
      const { user, limits } = await api.login({ email, password });
      signedIn(user, limits);
      void navigate('/app', { replace: true });
    } catch (err) {
      errors.show(err, ['email', 'password']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <PlainLayout>
      <section className="card">
        <h1>Log in</h1>
        <ErrorBanner message={errors.banner ?? (state.status === 'out' ? state.error : null)} />
        <form onSubmit={(e) => void submit(e)} className="stack">
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.fields.email}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.fields.password}
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Logging in…' : 'Log in'}
          </button>
        </form>
        <p>
          New to Milepost? <Link to="/signup">Create an account</Link>
        </p>
      </section>
    </PlainLayout>
  );
}

export function SignupPage() {
  const navigate = useNavigate();
  useTitle('Create your account');
  const { signedIn } = useAuth();
  const errors = useFormErrors();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    errors.clear();
    if (password.length < 10) {
      errors.setField('password', 'Use at least 10 characters.');
      return;
    }
    setBusy(true);
    try {
      const { user, limits } = await api.signup({
        name,
        email,
        password,
        timeZone: browserTimeZone(),
      });
      signedIn(user, limits);
      void navigate('/app', { replace: true });
    } catch (err) {
      errors.show(err, ['name', 'email', 'password']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <PlainLayout>
      <section className="card">
        <h1>Create your account</h1>
        <p className="lead">Run client work as paid milestones. Your data stays on your server.</p>
        <ErrorBanner message={errors.banner} />
        <form onSubmit={(e) => void submit(e)} className="stack">
          <TextField
            label="Your name"
            autoComplete="name"
            required
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={errors.fields.name}
          />
          <TextField
            label="Email"
            type="email"
            autoComplete="email"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            error={errors.fields.email}
          />
          <TextField
            label="Password"
            type="password"
            autoComplete="new-password"
            hint="At least 10 characters."
            required
            maxLength={200}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={errors.fields.password}
          />
          <button type="submit" disabled={busy}>
            {busy ? 'Creating account…' : 'Create account'}
          </button>
        </form>
        <p>
          Already have an account? <Link to="/login">Log in</Link>
        </p>
      </section>
    </PlainLayout>
  );
}
