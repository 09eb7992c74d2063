// Minimal local Bluesky PDS for PostDesk's tests: the reference @atproto/pds plus an
// in-memory did:plc directory (@did-plc/server's mock DB), both bound to 127.0.0.1 only.
// Verified recipe: shared/design/TEST-PEERS.md section 1.2 (this is that script, with the
// ready line also reporting the bound host).
//
// Needs Node >= 22, and must sit next to node_modules (ES module imports resolve from the
// script's own folder), so setup.sh copies it into the install folder outside the repo.
// Usage: node start-pds.mjs   (env: PDS_PORT, PLC_PORT, PDS_DATA, PDS_ADMIN_PASSWORD)
// Prints one JSON line {"ready":true,...} on stdout when both servers listen.
// SIGTERM/SIGINT -> clean shutdown. Data lives in a temp folder, removed on exit
// unless PDS_DATA is given.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { PDS } from '@atproto/pds'
import { Secp256k1Keypair } from '@atproto/crypto'
import plcServer from '@did-plc/server'

const t0 = performance.now()
const HOST = '127.0.0.1'
const pdsPort = Number(process.env.PDS_PORT || 2583)
const plcPort = Number(process.env.PLC_PORT || 2582)
const ownData = !process.env.PDS_DATA
const dataDir = process.env.PDS_DATA || fs.mkdtempSync(path.join(os.tmpdir(), 'pds-'))
fs.mkdirSync(path.join(dataDir, 'blobs'), { recursive: true })

// Bind every express app to loopback: the libraries call app.listen(port), which would
// otherwise listen on all interfaces.
const loopbackOnly = (app) => {
  const listen = app.listen.bind(app)
  app.listen = (port, ...rest) => listen(port, HOST, ...rest)
  return app
}

// 1. in-memory PLC directory
const { PlcServer, Database } = plcServer
const plc = PlcServer.create({ db: Database.mock(), port: plcPort })
loopbackOnly(plc.app)
await plc.start()

// 2. the PDS (sqlite files + disk blobstore under dataDir)
const rotationKey = await Secp256k1Keypair.create({ exportable: true })
const pds = await PDS.fromEnv({
  devMode: true, // allows http + localhost
  hostname: 'localhost', // publicUrl http://localhost:<port>, handles end in .test
  port: pdsPort,
  dataDirectory: dataDir,
  blobstoreDiskLocation: path.join(dataDir, 'blobs'),
  didPlcUrl: `http://${HOST}:${plcPort}`,
  plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotationKey.export()).toString('hex'),
  jwtSecret: randomBytes(16).toString('hex'),
  adminPassword: process.env.PDS_ADMIN_PASSWORD || 'admin-pass',
  inviteRequired: false,
  serviceHandleDomains: ['.test'],
  enableDidDocWithSession: true,
  disableSsrfProtection: true,
  // no crawlers, no app view, no moderation service: nothing leaves the machine
})
loopbackOnly(pds.app)
await pds.start()

console.log(JSON.stringify({
  ready: true,
  pds: `http://localhost:${pdsPort}`,
  host: HOST,
  plc: `http://${HOST}:${plcPort}`,
  dataDir,
  startupMs: Math.round(performance.now() - t0),
  rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
}))

let stopping = false
const stop = async () => {
  if (stopping) return
  stopping = true
  try { await pds.destroy() } catch (e) { console.error(e) }
  try { await plc.destroy() } catch (e) { console.error(e) }
  if (ownData) fs.rmSync(dataDir, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
