import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { createRouter } from './App';
import { I18nProvider, initialLocale, loadMessages } from './i18n';
import { createQueryClient } from './queries';
import './styles.css';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root');
const queryClient = createQueryClient();
const router = createRouter();
const locale = initialLocale();
// The first screen is drawn in the person's language: fetch it (the portal's English is bundled)
// first; the freelancer's screens need their own areas too, which the portal never downloads.
const scope = /^\/(portal|unsubscribe)(\/|$)/.test(window.location.pathname) ? 'portal' : 'app';
void loadMessages(locale, scope)
  .catch(() => undefined)
  .then(() => {
    document.documentElement.lang = locale;
    createRoot(root).render(
      <StrictMode>
        <I18nProvider locale={locale}>
          <QueryClientProvider client={queryClient}>
            <RouterProvider router={router} />
          </QueryClientProvider>
        </I18nProvider>
      </StrictMode>,
    );
  });
