/** `npm run reconcile`: credits Stripe payments whose webhooks never arrived. */
import { loadConfig } from '../config';
import { startMailWorker } from '../actions/mail-worker';
import { createUnsubscribeTokens } from '../auth/unsubscribe-tokens';
import { reconcilePayments } from '../actions/reconcile-payments';
import { createSecretBox, loadInstanceKey } from '../auth/secret-box';
import { openDatabase } from '../db/database';
import { announcerOnly } from '../events/stream-bus';
import { createMailer } from '../mail/mailer';
import { createRenderer } from '../mail/renderer';

const config = loadConfig();
const database = await openDatabase(config);
const renderer = createRenderer();
try {
  const result = await reconcilePayments({
    db: database.db,
    config,
    secretBox: createSecretBox(loadInstanceKey(config.secretKey)),
    events: announcerOnly(config),
  });
  console.log(
    `reconcile: ${result.checked} paid session(s) checked, ${result.credited} newly credited`,
  );
  // The receipts are queued; send what is due now (a running server would pick them up too).
  const worker = startMailWorker({
    db: database.db,
    mailer: createMailer(config.mail),
    renderer,
    config,
    log: console,
    poll: false,
    unsubscribeToken: (subscription) =>
      createUnsubscribeTokens(loadInstanceKey(config.secretKey)).sign(subscription),
  });
  await worker.drain();
  await worker.stop();
} finally {
  await renderer.close();
  await database.close();
}
