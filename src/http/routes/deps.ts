import type { Kysely } from 'kysely';
import type { PasswordHasher } from '../../auth/passwords';
import type { SecretBox } from '../../auth/secret-box';
import type { UnsubscribeTokens } from '../../auth/unsubscribe-tokens';
import type { Config } from '../../config';
import type { Clock } from '../../domain/clock';
import type { DB } from '../../db/schema';
import type { FileStorage } from '../../files/storage';
import type { Mailer } from '../../mail/mailer';
import type { Renderer } from '../../mail/renderer';
import type { MailWorker } from '../../actions/mail-worker';
import type { StreamBus } from '../../events/stream-bus';
import type { SenderLimits } from '../chat-limits';
import type { StreamHub } from '../stream-hub';

/** What every route plugin is registered with. */
export interface RouteDeps {
  db: Kysely<DB>;
  config: Config;
  storage: FileStorage;
  /** Only for the settings page's test email; everything else is queued in the outbox. */
  mailer: Mailer;
  /**
   * Renders mail (the test email, the password reset) and PDFs (receipts, invoices, contracts,
   * the evidence bundle's) off the event loop, in a worker thread.
   */
  renderer: Renderer;
  /** Woken after a request that queued mail has committed. */
  mailWorker: Pick<MailWorker, 'wake'>;
  secretBox: SecretBox;
  /** Signs and reads one-click unsubscribe links. */
  unsubscribeTokens: UnsubscribeTokens;
  /** The one way passwords are hashed and verified: at most so many at once. */
  passwords: PasswordHasher;
  /** Where every route and action reads the time. */
  clock: Clock;
  /** Announces new entries of a project's stream to every instance's sockets. */
  events: StreamBus;
  /** Messages per sender, REST and WebSocket together. */
  chatLimits: SenderLimits;
  /** This instance's live sockets: a logout closes its session's sockets at once. */
  sockets: StreamHub;
}
