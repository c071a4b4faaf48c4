/**
 * nginx from Debian (`apt-get install nginx-light`) as a second anchor: what a C server tuned for
 * static files does on the same machine in the same run. Downloads go out with `sendfile on`;
 * uploads are a WebDAV `PUT` into a file (the body is written to a temp file in 1 MiB batches,
 * then renamed into place). It runs as one process (`master_process off`) so its memory and CPU
 * are read from the pid we started, from a config of our own in a temp folder, on a loopback
 * port: nothing of the system's nginx set-up is used, and it needs no root.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { track } from './proc';
import { freePort, type RunningServer } from './servers';

/** The nginx binary, or null when it is not installed (the benchmark then says so and skips it). */
export function findNginx(): string | null {
  for (const candidate of ['nginx', '/usr/sbin/nginx']) {
    if (spawnSync(candidate, ['-v'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return null;
}

export interface NginxServer extends RunningServer {
  /** The folder it serves and PUTs into. */
  root: string;
}

function config(dir: string, root: string, port: number): string {
  return `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  default_type application/octet-stream;
  client_body_temp_path ${dir}/client-body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  sendfile on;
  tcp_nopush on;
  server {
    listen 127.0.0.1:${port};
    root ${root};
    client_max_body_size 0;
    client_body_buffer_size 1m;
    client_body_timeout 300s;
    location / {
      dav_methods PUT;
    }
  }
}
`;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startNginx(binary: string, workDir: string): Promise<NginxServer> {
  const dir = path.join(workDir, 'nginx');
  const root = path.join(dir, 'root');
  await fs.mkdir(root, { recursive: true });
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  await fs.writeFile(conf, config(dir, root, port));
  const child = track(
    spawn(binary, ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const lines: string[] = [];
  const take = (data: string): void => {
    for (const line of data.split('\n')) if (line.trim() !== '') lines.push(line);
  };
  child.stdout.setEncoding('utf8').on('data', take);
  child.stderr.setEncoding('utf8').on('data', take);
  const output = (): string => lines.slice(-50).join('\n');
  const deadline = Date.now() + 15_000;
  while (!(await listening(port))) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const log = await fs.readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
      throw new Error(`nginx exited while starting:\n${output()}\n${log}`);
    }
    if (Date.now() > deadline) throw new Error(`nginx did not listen within 15 s:\n${output()}`);
    await sleep(50);
  }
  if (child.pid === undefined) throw new Error('nginx did not start');
  return { child, pid: child.pid, url: `http://127.0.0.1:${port}`, output, root };
}
