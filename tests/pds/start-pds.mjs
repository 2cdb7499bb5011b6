// SPDX-License-Identifier: GPL-3.0-or-later
// Starts the reference AT Protocol PDS (with its PLC directory) from @atproto/dev-env on
// loopback ports, creates one test account, prints one JSON line on stdout
//   {"service":"http://localhost:PORT","handle":"...","did":"...","password":"...","plc":"..."}
// and stays up until it gets SIGTERM/SIGINT. Used only by tests (tests/pds/bluesky_e2e.sh).
// Usage: node start-pds.mjs [HANDLE]   (needs Node >= 22: install.sh provides it from npm)
if (Number(process.versions.node.split('.')[0]) < 22) {
  process.stderr.write(`start-pds.mjs needs Node 22 or newer, this is ${process.version}; run tests/pds/install.sh\n`)
  process.exit(1)
}

// "press" and similar words are reserved handles on the reference PDS.
const handle = process.argv[2] || 'newsroom.test'
// A test-only password: the PDS and its data live in a temporary folder and die with us.
const password = 'postern-test-app-password'

// Anything the PDS logs goes to stderr; stdout carries exactly one JSON line for the caller.
console.log = (...args) => console.error(...args)

const { TestNetworkNoAppView } = await import('@atproto/dev-env')
const network = await TestNetworkNoAppView.create({})
const service = network.pds.url
const res = await fetch(`${service}/xrpc/com.atproto.server.createAccount`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ handle, email: `${handle}@example.com`, password }),
})
if (!res.ok) {
  process.stderr.write(`createAccount failed: HTTP ${res.status} ${await res.text()}\n`)
  await network.close()
  process.exit(1)
}
const account = await res.json()
process.stdout.write(
  JSON.stringify({ service, handle: account.handle, did: account.did, password, plc: network.plc.url }) + '\n',
)

let closing = false
const stop = async () => {
  if (closing) return
  closing = true
  try {
    await network.close()
  } finally {
    process.exit(0)
  }
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)
