/** `npm run reconcile`: credits Stripe payments whose webhooks never arrived. */
import { loadConfig } from '../config';
import { reconcilePayments } from '../actions/reconcile-payments';
import { createSecretBox, loadInstanceKey } from '../auth/secret-box';
import { openDatabase } from '../db/database';
import { createMailer } from '../mail/mailer';

const config = loadConfig();
const database = await openDatabase(config);
try {
  const result = await reconcilePayments({
    db: database.db,
    config,
    secretBox: createSecretBox(loadInstanceKey(config.secretKey)),
    mailer: createMailer(config.mail),
  });
  console.log(
    `reconcile: ${result.checked} paid session(s) checked, ${result.credited} newly credited`,
  );
} finally {
  await database.close();
}
