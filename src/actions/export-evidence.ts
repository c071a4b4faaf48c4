/**
 * The evidence bundle of a project, for its freelancer or its client: one ZIP, streamed, with
 * the contract versions (text, and the PDF with its acceptance block), change orders, revisions,
 * disputes with their entries, receipts and invoices (PDFs), the deliverables' list (names,
 * sizes, SHA-256, superseded marks — not the files), the chat, the download log and the whole
 * hash-chained activity record, and a manifest of every entry's size and SHA-256 signed with the
 * instance's Ed25519 key.
 *
 * The rows are read first with no transaction held; PDFs are rendered and the chain and chat
 * are paged from the database while the archive streams out, each up to the head read at the
 * start, so what is added meanwhile stays out and the manifest matches what was written.
 */
import type { Kysely } from 'kysely';
import { listChangeOrders } from '../db/queries/change-orders';
import {
  citedMessages,
  listDisputeEntriesOfProject,
  listDisputesOfProject,
} from '../db/queries/disputes';
import { findOwnedClient } from '../db/queries/clients';
import { listContractAcceptances, listContractVersions } from '../db/queries/contracts';
import {
  activityAfter,
  activityHead,
  chatMessagesAfter,
  listAllDownloads,
  streamPosition,
} from '../db/queries/evidence';
import { listFilesOfProject } from '../db/queries/files';
import { listInvoicesOfProject } from '../db/queries/invoices';
import { listMilestones } from '../db/queries/milestones';
import { listPayments } from '../db/queries/payments';
import { findOwnedProject, findProjectById } from '../db/queries/projects';
import { listReceiptsOfProject } from '../db/queries/receipts';
import { listRevisionsOfProject } from '../db/queries/revisions';
import { findUserById } from '../db/queries/users';
import type {
  ChatMessageRow,
  DB,
  DisputeEntryRow,
  DisputeRow,
  MilestoneRow,
  ProjectRow,
} from '../db/schema';
import { GENESIS_HASH } from '../domain/activity-chain';
import { notFound } from '../domain/errors';
import { receiptLabel } from '../domain/receipt';
import { BundleZip } from '../evidence/bundle-zip';
import {
  ACTIVITY_PATH,
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  CHAT_PATH,
  MANIFEST_PATH,
  manifestBytes,
  PUBLIC_KEY_PATH,
  SIGNATURE_PATH,
  type Manifest,
  type ManifestDispute,
} from '../evidence/manifest';
import type { Locale } from '../i18n';
import type { PdfRenderer } from '../mail/renderer';
import { contractPdfRequest } from './contract-pdf';
import { invoiceSnapshotOf } from './invoice-documents';
import { citedIds, evidenceOf } from './dispute-record';
import type { InstanceSigner } from './instance-key';
import { receiptPdf } from './send-receipt';

export type EvidenceCaller =
  { kind: 'freelancer'; ownerId: string; locale: Locale } | { kind: 'client'; projectId: string };

const PAGE = 500;

type Rows = Awaited<ReturnType<typeof readRows>>;

/** Who may export, and the rows read up front; 404 for anyone but the project's two parties. */
async function readRows(db: Kysely<DB>, caller: EvidenceCaller, projectId: string) {
  const project: ProjectRow | undefined =
    caller.kind === 'freelancer'
      ? await findOwnedProject(db, caller.ownerId, projectId)
      : caller.projectId === projectId
        ? await findProjectById(db, projectId)
        : undefined;
  if (!project) throw notFound('Project');
  const [freelancer, client] = await Promise.all([
    findUserById(db, project.owner_id),
    findOwnedClient(db, project.owner_id, project.client_id),
  ]);
  if (!freelancer) throw notFound('Project');
  // Disputes before the head: each of their steps is then in the chain the bundle holds (a step
  // written meanwhile is in the chain but not yet in disputes/, which the verifier allows).
  const [disputes, disputeEntries] = await Promise.all([
    listDisputesOfProject(db, project.id),
    listDisputeEntriesOfProject(db, project.id),
  ]);
  // The messages they cite (written before the citing step, so within the chat exported below).
  const cited = await citedMessages(db, project.id, citedIds(disputeEntries).messageIds);
  // The head first: everything after it is left for the next bundle.
  const head = (await activityHead(db, project.id)) ?? { seq: 0, hash: GENESIS_HASH };
  const chatUpTo = await streamPosition(db, project.id);
  const [
    milestones,
    payments,
    versions,
    acceptances,
    changeOrders,
    revisions,
    receipts,
    invoices,
    files,
    downloads,
  ] = await Promise.all([
    listMilestones(db, project.id),
    listPayments(db, project.id),
    listContractVersions(db, project.id),
    listContractAcceptances(db, project.id),
    listChangeOrders(db, project.id),
    listRevisionsOfProject(db, project.id),
    listReceiptsOfProject(db, project.id),
    listInvoicesOfProject(db, project.id),
    listFilesOfProject(db, project.id),
    listAllDownloads(db, project.id),
  ]);
  return {
    project,
    freelancer,
    client,
    head,
    chatUpTo,
    milestones,
    payments,
    versions,
    acceptances,
    changeOrders,
    revisions,
    receipts: [...receipts].sort((a, b) => a.number - b.number),
    invoices: [...invoices].sort((a, b) => a.created_at.localeCompare(b.created_at)),
    files: files.filter((f) => f.status === 'complete'),
    downloads,
    disputes,
    disputeEntries,
    citedMessages: new Map(cited.map((m) => [m.id, { id: m.id, seq: m.seq, thread: m.thread }])),
  };
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function positionOf(milestones: readonly MilestoneRow[], id: string): number | null {
  return milestones.find((m) => m.id === id)?.position ?? null;
}

/** A safe name inside the archive (document labels are ours, but never trust a slash). */
const safe = (name: string) => name.replace(/[^A-Za-z0-9._-]/g, '_');

export interface EvidenceExport {
  /** Suggested download name. */
  filename: string;
  zip: BundleZip;
}

/**
 * Authorizes and reads, then starts writing the bundle: the returned archive streams while the
 * rest is produced. `onError` hears a failure part-way (the archive is then destroyed).
 */
export async function exportEvidence(options: {
  db: Kysely<DB>;
  caller: EvidenceCaller;
  projectId: string;
  signer: () => Promise<InstanceSigner>;
  publicUrl: string;
  /** Prints the contract, receipt and invoice PDFs (the server's: in its render worker). */
  renderer: PdfRenderer;
  now: Date;
  onError: (error: unknown) => void;
}): Promise<EvidenceExport> {
  const { db, caller, now } = options;
  const rows = await readRows(db, caller, options.projectId);
  const signer = await options.signer();
  const locale: Locale =
    caller.kind === 'freelancer' ? caller.locale : (rows.client?.locale ?? 'en');
  const zip = new BundleZip(now);
  writeBundle({
    db,
    renderer: options.renderer,
    rows,
    zip,
    signer,
    locale,
    now,
    caller,
    publicUrl: options.publicUrl,
  }).catch((error: unknown) => {
    options.onError(error);
    zip.abort(error instanceof Error ? error : new Error(String(error)));
  });
  const day = now.toISOString().slice(0, 10);
  return { filename: `evidence ${rows.project.title} ${day}.zip`, zip };
}

async function writeBundle(options: {
  db: Kysely<DB>;
  renderer: PdfRenderer;
  rows: Rows;
  zip: BundleZip;
  signer: InstanceSigner;
  locale: Locale;
  now: Date;
  caller: EvidenceCaller;
  publicUrl: string;
}): Promise<void> {
  const { db, renderer, rows, zip, signer, locale } = options;
  const { project, milestones } = rows;

  await zip.add('project.json', json(projectJson(rows)));

  // Contract: every version's text, and each accepted version's PDF with its acceptance block.
  await zip.add(
    'contract/versions.json',
    json({
      versions: rows.versions.map((v) => {
        const acceptance = rows.acceptances.find((a) => a.version_id === v.id);
        return {
          id: v.id,
          version: v.version,
          locale: v.locale,
          reason: v.reason,
          createdAt: v.created_at,
          sha256: v.sha256,
          text: `contract/v${v.version}.txt`,
          pdf: acceptance ? `contract/v${v.version}.pdf` : null,
          acceptance: acceptance
            ? {
                id: acceptance.id,
                fullName: acceptance.full_name,
                acceptedAt: acceptance.accepted_at,
                ip: acceptance.ip,
                userAgent: acceptance.user_agent,
                sha256: acceptance.sha256,
              }
            : null,
        };
      }),
    }),
  );
  for (const v of rows.versions) {
    await zip.add(`contract/v${v.version}.txt`, v.text);
    const acceptance = rows.acceptances.find((a) => a.version_id === v.id);
    if (!acceptance) continue;
    const pdf = await renderer.pdf(contractPdfRequest(project.title, v, acceptance));
    await zip.add(`contract/v${v.version}.pdf`, pdf);
  }

  const versionOf = (id: string | null) =>
    id === null ? null : (rows.versions.find((v) => v.id === id)?.version ?? null);
  await zip.add(
    'change-orders.json',
    json({
      changeOrders: rows.changeOrders.map((o) => ({
        id: o.id,
        number: o.number,
        status: o.status,
        reason: o.reason,
        changes: JSON.parse(o.changes) as unknown,
        before: JSON.parse(o.before) as unknown,
        baseVersion: versionOf(o.base_version_id),
        resultVersion: versionOf(o.result_version_id),
        acceptanceId: o.acceptance_id,
        declineNote: o.decline_note,
        proposedAt: o.proposed_at,
        decidedAt: o.decided_at,
      })),
    }),
  );
  await zip.add(
    'revisions.json',
    json({
      revisions: rows.revisions.map((r) => ({
        id: r.id,
        milestoneId: r.milestone_id,
        position: positionOf(milestones, r.milestone_id),
        round: r.round,
        note: r.note,
        requestedAt: r.requested_at,
        redeliveredAt: r.redelivered_at,
      })),
    }),
  );

  // Receipts and invoices: their PDFs, rendered one at a time from their frozen snapshots.
  const documents: Record<string, unknown>[] = [];
  for (const receipt of rows.receipts) {
    const path = `receipts/${safe(receiptLabel(receipt.number))}.pdf`;
    await zip.add(path, await receiptPdf(db, renderer, receipt, locale));
    documents.push({
      kind: 'receipt',
      label: receiptLabel(receipt.number),
      paymentId: receipt.payment_id,
      milestoneId: receipt.milestone_id,
      issuedAt: receipt.created_at,
      pdf: path,
    });
  }
  for (const invoice of rows.invoices) {
    const path = `invoices/${safe(invoice.label)}.pdf`;
    await zip.add(
      path,
      await renderer.pdf({ kind: 'invoice', invoice: invoiceSnapshotOf(invoice), locale }),
    );
    documents.push({
      kind: invoice.kind,
      label: invoice.label,
      milestoneId: invoice.milestone_id,
      issuedOn: invoice.issued_on,
      currency: invoice.currency,
      grossMinor: invoice.gross_minor,
      cancels: rows.invoices.find((i) => i.id === invoice.cancels_id)?.label ?? null,
      cancelledBy: rows.invoices.find((i) => i.id === invoice.cancelled_by)?.label ?? null,
      pdf: path,
    });
  }
  await zip.add('documents.json', json({ documents }));

  const names = new Map(rows.files.map((f) => [f.id, f.name]));
  await zip.add(
    'files.json',
    json({
      note: 'The deliverables as listed: names, sizes and SHA-256; the files themselves are not included.',
      files: rows.files.map((f) => ({
        id: f.id,
        milestoneId: f.milestone_id,
        position: positionOf(milestones, f.milestone_id),
        name: f.name,
        type: f.type,
        size: f.size,
        sha256: f.sha256,
        uploadedAt: f.completed_at ?? f.created_at,
        superseded: f.superseded_at !== null,
        supersededAt: f.superseded_at,
        supersededBy: f.superseded_by,
      })),
    }),
  );

  await zip.add(CHAT_PATH, chatJson(db, rows));
  await zip.add(
    'download-log.json',
    json({
      note: 'Downloads merged per file, downloader, address and hour.',
      downloads: rows.downloads.map((d) => ({
        fileId: d.file_id,
        fileName: names.get(d.file_id) ?? null,
        downloader: d.actor_type,
        address: d.address,
        via: d.via,
        hour: d.hour,
        firstAt: d.first_at,
        lastAt: d.last_at,
        requests: d.requests,
        bytes: d.bytes,
        completeDownloads: d.completions,
      })),
    }),
  );
  // Each dispute with its entries (statements, proposals, answers, escalation, withdrawal).
  const disputes: ManifestDispute[] = [];
  for (const [i, d] of rows.disputes.entries()) {
    const path = `disputes/dispute-${i + 1}.json`;
    const entries = rows.disputeEntries.filter((e) => e.dispute_id === d.id);
    await zip.add(path, json(disputeJson(rows, d, entries)));
    disputes.push({
      id: d.id,
      milestoneId: d.milestone_id,
      status: d.status,
      openedBy: d.opened_by,
      path,
      entries: entries.length,
    });
  }

  const counted = { entries: 0 };
  await zip.add(ACTIVITY_PATH, activityJson(db, rows, counted));

  const manifest: Manifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    generatedAt: options.now.toISOString(),
    generatedFor: options.caller.kind,
    instance: {
      url: options.publicUrl,
      signing: {
        algorithm: signer.algorithm,
        publicKey: signer.publicKey,
        fingerprint: signer.fingerprint,
      },
    },
    project: {
      id: project.id,
      title: project.title,
      currency: project.currency,
      status: project.status,
      createdAt: project.created_at,
    },
    parties: {
      freelancer: {
        name: rows.freelancer.name,
        businessName: rows.freelancer.business_name,
        email: rows.freelancer.email,
      },
      client: {
        name: rows.client?.name ?? '',
        company: rows.client?.company ?? '',
        email: rows.client?.email ?? '',
      },
    },
    activity: {
      path: ACTIVITY_PATH,
      entries: counted.entries,
      headSeq: rows.head.seq,
      headHash: rows.head.hash,
    },
    disputes,
    entries: [...zip.entries()],
  };
  const bytes = manifestBytes(manifest);
  await zip.addUnlisted(MANIFEST_PATH, bytes);
  await zip.addUnlisted(SIGNATURE_PATH, signer.sign(bytes));
  await zip.addUnlisted(PUBLIC_KEY_PATH, signer.publicKeyPem);
  await zip.finalize();
}

function projectJson(rows: Rows) {
  const { project } = rows;
  return {
    project: {
      id: project.id,
      title: project.title,
      description: project.description,
      currency: project.currency,
      status: project.status,
      createdAt: project.created_at,
      archivedAt: project.archived_at,
      reviewWindowDays: project.review_window_days,
      vat: { mode: project.vat_mode, rateBp: project.vat_rate_bp },
    },
    milestones: rows.milestones.map((m) => ({
      id: m.id,
      position: m.position,
      title: m.title,
      deliverables: m.deliverables,
      dueDate: m.due_date,
      amountMinor: m.amount_minor,
      status: m.status,
      isDeposit: m.is_deposit === 1,
      revisionRounds: m.revision_rounds,
      revisionsUsed: m.revisions_used,
      deliveredAt: m.delivered_at,
      approvedAt: m.approved_at,
      paidAt: m.paid_at,
      paymentReference: m.payment_reference,
    })),
    payments: rows.payments.map((p) => ({
      id: p.id,
      milestoneId: p.milestone_id,
      kind: p.kind,
      source: p.source,
      status: p.status,
      amountMinor: p.amount_minor,
      currency: p.currency,
      method: p.method,
      reference: p.reference,
      receivedOn: p.received_on,
      recordedAt: p.created_at,
    })),
  };
}

function disputeJson(rows: Rows, d: DisputeRow, entries: readonly DisputeEntryRow[]) {
  const parsed = (value: string | null) => (value === null ? null : (JSON.parse(value) as unknown));
  return {
    id: d.id,
    milestoneId: d.milestone_id,
    position: positionOf(rows.milestones, d.milestone_id),
    openedBy: d.opened_by,
    status: d.status,
    statement: d.statement,
    proposal: parsed(d.proposal),
    resolution: parsed(d.resolution),
    escalatedAt: d.escalated_at,
    mediator: d.mediator,
    chargeback:
      d.stripe_dispute_id === null
        ? null
        : { stripeDisputeId: d.stripe_dispute_id, reason: d.chargeback_reason },
    createdAt: d.created_at,
    closedAt: d.closed_at,
    note: 'Each entry is also in activity.json (details.entryId), where the chain anchors it.',
    entries: entries.map((e) => ({
      id: e.id,
      seq: e.seq,
      type: e.type,
      party: e.party,
      text: e.text,
      resolution: parsed(e.resolution),
      evidence: evidenceJson(rows, e.evidence),
      createdAt: e.created_at,
    })),
  };
}

/**
 * An entry's evidence: the ids as recorded (and in the chain), each cited message with its
 * number and thread in chat.json — the verifier checks it is there — and each cited file with its
 * name in files.json (null when removed since).
 */
function evidenceJson(rows: Rows, stored: string) {
  const evidence = evidenceOf(stored);
  return {
    ...evidence,
    messages: evidence.messageIds.map(
      (id) => rows.citedMessages.get(id) ?? { id, seq: null, thread: null },
    ),
    files: evidence.fileIds.map((id) => ({
      id,
      name: rows.files.find((f) => f.id === id)?.name ?? null,
    })),
  };
}

function chatMessage(m: ChatMessageRow) {
  return {
    id: m.id,
    seq: m.seq,
    thread: m.thread,
    author: m.author_type,
    kind: m.kind,
    // A deleted message is a tombstone here as in the app; its text is in the activity record.
    text: m.deleted_at === null ? m.body : null,
    event: m.event === null ? null : (JSON.parse(m.event) as unknown),
    replyTo: m.reply_to,
    createdAt: m.created_at,
    editedAt: m.edited_at,
    deletedAt: m.deleted_at,
  };
}

async function* chatJson(db: Kysely<DB>, rows: Rows): AsyncGenerator<string> {
  const threads = [
    { id: 'general', position: null, title: null },
    ...rows.milestones.map((m) => ({ id: m.id, position: m.position, title: m.title })),
  ];
  yield `{\n"threads": ${JSON.stringify(threads)},\n"messages": [`;
  let after = 0;
  let first = true;
  for (;;) {
    const page = await chatMessagesAfter(db, rows.project.id, {
      afterSeq: after,
      uptoSeq: rows.chatUpTo,
      limit: PAGE,
    });
    if (page.length === 0) break;
    let out = '';
    for (const m of page) {
      out += `${first ? '\n' : ',\n'}${JSON.stringify(chatMessage(m))}`;
      first = false;
      after = m.seq;
    }
    yield out;
    if (page.length < PAGE) break;
  }
  yield '\n]\n}\n';
}

/** The chain, one entry per line: every field its hash covers, with its hash and the previous. */
async function* activityJson(
  db: Kysely<DB>,
  rows: Rows,
  counted: { entries: number },
): AsyncGenerator<string> {
  const hashing =
    'SHA-256 (hex) of prevHash, a line feed, and the canonical JSON of the entry without ' +
    'prevHash and hash (object keys sorted, no spaces)';
  yield (
    `{\n"format": "milepost-activity-chain",\n"projectId": ${JSON.stringify(rows.project.id)},\n` +
    `"hashing": ${JSON.stringify(hashing)},\n"genesisHash": "${GENESIS_HASH}",\n"entries": [`
  );
  let after = 0;
  for (;;) {
    const page = await activityAfter(db, rows.project.id, {
      afterSeq: after,
      uptoSeq: rows.head.seq,
      limit: PAGE,
    });
    if (page.length === 0) break;
    let out = '';
    for (const entry of page) {
      out += `${counted.entries === 0 ? '\n' : ',\n'}${JSON.stringify(entry)}`;
      counted.entries += 1;
      after = entry.seq;
    }
    yield out;
    if (page.length < PAGE) break;
  }
  yield '\n]\n}\n';
}
