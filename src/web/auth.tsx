/** The freelancer's session: asked of the server once, then kept here. */
import { useQueryClient } from '@tanstack/react-query';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { ApiError, api, app } from './api';
import { useLocale } from './i18n';
import { todayIn } from '../domain/calendar';
import { browserTimeZone } from './locale';
import type { Limits, User } from './types';

export type AuthState =
  | { status: 'loading' }
  | { status: 'out'; error?: string }
  | { status: 'in'; user: User; limits: Limits };

interface AuthValue {
  state: AuthState;
  signedIn: (user: User, limits: Limits) => void;
  signedOut: () => void;
}

/** The product's own limits: what applies until the server has said what the operator chose. */
export const DEFAULT_LIMITS: Limits = {
  maxMilestones: 10,
  maxFilesPerMilestone: 5,
  maxFileBytes: 5 * 1024 ** 3,
};

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    api.me().then(
      ({ user, limits }) => {
        if (!cancelled) setState({ status: 'in', user, limits: limits ?? DEFAULT_LIMITS });
      },
      (err: unknown) => {
        if (cancelled) return;
        const unauthenticated = err instanceof ApiError && err.status === 401;
        setState(
          unauthenticated
            ? { status: 'out' }
            : {
                status: 'out',
                error: err instanceof Error ? err.message : 'Could not reach Milepost.',
              },
        );
      },
    );
    app.onUnauthenticated = () => {
      queryClient.clear();
      setState({ status: 'out', error: 'Your session ended. Please log in again.' });
    };
    return () => {
      cancelled = true;
      app.onUnauthenticated = null;
    };
  }, [queryClient]);

  const signedIn = useCallback(
    (user: User, limits: Limits) => setState({ status: 'in', user, limits }),
    [],
  );
  // Nothing one freelancer's session loaded may show in the next one's.
  const signedOut = useCallback(() => {
    queryClient.clear();
    setState({ status: 'out' });
  }, [queryClient]);
  useAccountLanguage(state);
  const value = useMemo(() => ({ state, signedIn, signedOut }), [state, signedIn, signedOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** Once the session is known, the app speaks the language saved in the freelancer's settings. */
function useAccountLanguage(state: AuthState) {
  const { setLocale } = useLocale();
  const saved = state.status === 'in' ? state.user.locale : null;
  useEffect(() => {
    if (saved !== null) void setLocale(saved);
  }, [saved, setLocale]);
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (value === null) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** Today (YYYY-MM-DD) where the freelancer is, by their settings: no payment is dated later. */
export function useFreelancerToday(): string {
  const { state } = useAuth();
  return todayIn(state.status === 'in' ? state.user.timeZone : browserTimeZone(), new Date());
}

/** The operator's limits (milestones per project, files per milestone, bytes per file). */
export function useLimits(): Limits {
  const { state } = useAuth();
  return state.status === 'in' ? state.limits : DEFAULT_LIMITS;
}
