import type { Migration } from 'kysely';
import * as initial from './0001-initial';
import * as files from './0002-files';
import * as payments from './0003-payments';
import * as indexes from './0004-indexes';
import * as mailOutbox from './0005-mail-outbox';
import * as downloadLog from './0006-download-log';
import * as userTimeZone from './0007-user-time-zone';
import * as webhookEndpoints from './0008-webhook-endpoints';
import * as fileRemovals from './0009-file-removals';
import * as passwordResets from './0010-password-resets';
import * as paymentReferences from './0011-payment-references';
import * as projectPaymentInstructions from './0012-project-payment-instructions';
import * as localesAndHtmlMail from './0013-locales-and-html-mail';
import * as branding from './0014-branding';
import * as chat from './0016-chat';
import * as notifications from './0017-notifications';
import * as invoices from './0019-invoices';
import * as stripeConnect from './0021-stripe-connect';
import * as contracts from './0028-contracts';
import * as analytics from './0029-analytics';
import * as changeOrders from './0030-change-orders';
import * as contractTerms from './0031-contract-terms';
import * as revisions from './0032-revisions';
import * as analyticsIndexes from './0033-analytics-indexes';
import * as instanceSigningKey from './0034-instance-signing-key';
import * as disputes from './0035-disputes';
import * as analyticsSums from './0037-analytics-sums';
import * as analyticsRebuilds from './0039-analytics-rebuilds';
import * as streamTags from './0040-stream-tags';

/** Every migration, in order. Both dialects run the same list. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-files': files,
  '0003-payments': payments,
  '0004-indexes': indexes,
  '0005-mail-outbox': mailOutbox,
  '0006-download-log': downloadLog,
  '0007-user-time-zone': userTimeZone,
  '0008-webhook-endpoints': webhookEndpoints,
  '0009-file-removals': fileRemovals,
  '0010-password-resets': passwordResets,
  '0011-payment-references': paymentReferences,
  '0012-project-payment-instructions': projectPaymentInstructions,
  '0013-locales-and-html-mail': localesAndHtmlMail,
  '0014-branding': branding,
  '0016-chat': chat,
  '0017-notifications': notifications,
  '0019-invoices': invoices,
  '0021-stripe-connect': stripeConnect,
  '0028-contracts': contracts,
  '0029-analytics': analytics,
  '0030-change-orders': changeOrders,
  '0031-contract-terms': contractTerms,
  '0032-revisions': revisions,
  '0033-analytics-indexes': analyticsIndexes,
  '0034-instance-signing-key': instanceSigningKey,
  '0035-disputes': disputes,
  '0037-analytics-sums': analyticsSums,
  '0039-analytics-rebuilds': analyticsRebuilds,
  '0040-stream-tags': streamTags,
};
