/**
 * Where a page puts the conversation: one line, `<ChatDock realm projectId otherName />`. The
 * panel itself (and its libraries) is a separate chunk fetched once the page shows, so the
 * portal's first download stays small.
 */
import { lazy, Suspense } from 'react';
import type { ChatRealm } from './chat-api';
import './chat.css';

const ChatDockInner = lazy(() =>
  import('./ChatDockInner').then((m) => ({ default: m.ChatDockInner })),
);

export function ChatDock(props: {
  realm: ChatRealm;
  projectId: string;
  /** The other party's name, shown as the author of their messages. */
  otherName: string;
}) {
  return (
    <Suspense fallback={null}>
      <ChatDockInner {...props} />
    </Suspense>
  );
}
