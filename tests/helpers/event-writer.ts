// Forked by the event-log concurrency test: one writer process appending batches to a shared PostgreSQL database
// through the service's own adapter. It says `ready`, waits for `go` (so every writer starts at once), appends,
// and answers with what each append acknowledged.
import { openDatabase } from '../../storage/db/index.ts';
import type { EventInput } from '../../storage/db/event-log.ts';

export interface WriterPlan {
  url: string;
  dataDir: string;
  writer: number;
  batches: number;
  batchSize: number;
  senders: string[];
  /** Client ids every writer sends in every batch (re-sends across processes): stored once in all. */
  shared: number;
}

export interface Ack {
  sender: string;
  client: string;
  seq: number;
  duplicate: boolean;
}

const plan = JSON.parse(process.argv[2]!) as WriterPlan;
const database = await openDatabase({ dataDir: plan.dataDir, DATABASE_URL: plan.url, DATABASE_POOL_SIZE: 2 });
process.send!({ type: 'ready' });
await new Promise((r) => process.once('message', r));

const acks: Ack[] = [];
let n = 0;
for (let b = 0; b < plan.batches; b++) {
  const inputs: EventInput[] = [];
  for (let i = 0; i < plan.batchSize; i++) {
    // Senders alternate, starting from a different one per writer and batch: the locks are asked for in every order.
    const sender = plan.senders[(plan.writer + b + i) % plan.senders.length]!;
    inputs.push(input(sender, `w${plan.writer}-${n++}`));
  }
  for (let k = 0; k < plan.shared; k++) inputs.push(input(plan.senders[k % plan.senders.length]!, `shared-${b}-${k}`));
  const out = await database.events.append(inputs);
  out.forEach((a, i) =>
    acks.push({
      sender: inputs[i]!.sender_id,
      client: inputs[i]!.client_id!,
      seq: a.duplicate ? a.seq : Number(a.row.seq),
      duplicate: a.duplicate,
    }),
  );
}
await database.close();
process.send!({ type: 'done', acks });

function input(sender: string, client: string): EventInput {
  return {
    id: `evt_${client}_${process.pid}`,
    sender_id: sender,
    type: 'page_view',
    at: new Date().toISOString(),
    visit_id: `vis_${sender}`,
    client_id: client,
    page: 1,
    duration_ms: 10,
    automated: 0,
    self: 0,
  };
}
