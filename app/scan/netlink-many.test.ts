import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { listProcNet } from './linux-scanner.js';
import { openNetlinkLister } from './netlink-diag.js';

// Issue 14 item 4: dumps are read in 32 KB datagrams (no peek). 1500 listeners span several of
// them per dump; every one must still arrive, exactly as /proc/net lists them.
const lister = process.platform === 'linux' ? openNetlinkLister() : null;
if (process.platform === 'linux' && !lister) console.log('skipped: the netlink module does not load here');

describe.skipIf(!lister)('netlink dump of many listeners', () => {
  it('lists all 1500 listeners of a process, the same sockets /proc/net shows', async () => {
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const net=require('net');const ports=[];for(let i=0;i<1500;i++){const s=net.createServer();s.listen(0,'127.0.0.1',()=>{ports.push(s.address().port);if(ports.length===1500)console.log(JSON.stringify(ports))})}`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let text = '';
      const ports = await new Promise<number[]>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          text += String(d);
          if (text.endsWith('\n')) resolve(JSON.parse(text) as number[]);
        });
      });
      const wanted = new Set(ports);
      const viaNetlink = (await (lister as NonNullable<typeof lister>).list()).filter(
        (s) => s.protocol === 'tcp' && s.address === '127.0.0.1' && wanted.has(s.port),
      );
      const viaProc = listProcNet().sockets.filter(
        (s) => s.protocol === 'tcp' && s.address === '127.0.0.1' && wanted.has(s.port),
      );
      expect(viaNetlink).toHaveLength(1500);
      expect(new Set(viaNetlink.map((s) => s.inode))).toEqual(new Set(viaProc.map((s) => s.inode)));
    } finally {
      child.kill('SIGKILL');
      lister?.close();
    }
  });
});
