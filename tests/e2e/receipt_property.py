#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Property test: a receipt never lies and is never replaced (issue 11, section 3).

Drives the real postern-cli and postern-uploader through random interleavings of `publish`,
`verify`, `watch --once`, `resume`, SIGKILLed background runs, `receipt` and `receipt import`
over copies (intact, truncated, padded) of the same few bundles, and checks after every
operation:

* no (post, channel) is ever in the outbox twice;
* a receipt file, once seen, never changes or disappears; every receipt of one bundle id has
  the same bytes; every receipt is a success (the bundles are valid and fresh) and each of its
  `published` entries is really in the outbox;
* no command crashes: every exit code is a documented one (0-7), unless our own SIGKILL;
* an intact copy without a size cap is never rejected (exit 3), a damaged or capped copy is
  never taken (exit 0);
* a receipt import succeeds the first time for its bundle and is `already-exists` (exit 3)
  after that;
* once a receipt file for a bundle exists, `postern-uploader receipt` can write it again.

At the end every bundle is finished (`resume`, an intact copy published once more, which must
be a replay if the bundle was taken), every receipt imported, and the workstation's view of
every post must match what the outbox holds.

Usage: receipt_property.py POSTERN-CLI POSTERN-UPLOADER [--seed N] [--runs N] [--ops N] [-v]
Run i uses seed N+i. The op sequence is drawn from the seed, but kill timings and what a
killed process got done depend on the machine, so a seed repeats a run closely, not exactly;
the op log printed on failure is the reproducer.
"""

import argparse
import collections
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

DOCUMENTED = set(range(0, 8))  # exit codes of both executables (docs/uploader.md, docs/cli.md)
KILLED = -signal.SIGKILL
# How long after its draft a scheduled post falls due: inside the random operations, so they
# meet it both waiting and due.
SCHEDULE_DELAY = 20


class PropertyFailure(Exception):
    pass


def sha(data):
    return hashlib.sha256(data).hexdigest()


class Run:
    def __init__(self, args, seed, n_ops):
        self.args = args
        self.cli_exe = os.path.abspath(args.cli)
        self.up_exe = os.path.abspath(args.uploader)
        self.seed = seed
        self.rng = random.Random(seed)
        self.n_ops = n_ops
        self.verbose = args.verbose
        self.work = tempfile.mkdtemp(prefix="postern-receipt-prop.")
        self.env = dict(os.environ)
        self.env["HOME"] = os.path.join(self.work, "home")
        os.makedirs(self.env["HOME"])
        self.env.pop("POSTERN_STORE", None)
        self.env.pop("POSTERN_UPLOADER_HOME", None)
        self.env.pop("CREDENTIALS_DIRECTORY", None)
        self.store = os.path.join(self.work, "store")
        self.uhome = os.path.join(self.work, "uploader")
        self.outbox = os.path.join(self.uhome, "outbox")
        self.orig = os.path.join(self.work, "orig")      # pristine bundles, never given to a command
        self.media = [os.path.join(self.work, "media1"), os.path.join(self.work, "media2")]
        self.watch = os.path.join(self.work, "watch")
        self.elsewhere = os.path.join(self.work, "receipts")  # --receipt FILE and receipt --out
        for d in [self.orig, self.watch, self.elsewhere] + self.media:
            os.makedirs(d)
        self.log = []            # every operation, for the reproducer
        self.ops = collections.Counter()
        self.codes = collections.Counter()
        self.kills = 0
        self.receipt_hashes = {}  # path -> sha256 of its bytes when first seen
        self.receipt_bundle = {}  # bundle id -> sha256 of its receipt
        self.imported = set()     # bundle ids whose receipt the workstation took
        self.bundles = []         # dicts: id, name, size, posts [(post, [channels])], scheduled
        self.seen_taken = set()   # bundle ids known to be in the uploader's ledger
        self.must_be_taken = {}   # bundle id -> the watch pass that should have taken it
        self.times = {}
        self.receipt_seq = 0
        self.started = time.monotonic()

    # ---- running commands ------------------------------------------------------------------

    def note(self, line):
        self.log.append(line)
        if self.verbose:
            print("    " + line, flush=True)

    def passfile(self, name, text):
        path = os.path.join(self.work, name + ".pass")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(text + "\n")
        return path

    def run(self, argv, what):
        t0 = time.monotonic()
        p = subprocess.run(argv, env=self.env, stdin=subprocess.DEVNULL, capture_output=True,
                           cwd=self.work, timeout=120)
        out, err = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
        rc = p.returncode
        self.codes[(what, rc)] += 1
        self.note("%s -> %d (%.2fs)%s" % (self.show_argv(argv), rc, time.monotonic() - t0,
                                          "" if rc == 0 else "  " + first_line(err)))
        if rc not in DOCUMENTED:
            self.fail("%s exited %d, which is no documented exit code\nstdout:\n%s\nstderr:\n%s"
                      % (self.show_argv(argv), rc, out, err))
        return rc, out, err

    def show_argv(self, argv):
        words = []
        skip = False
        for w in argv:
            if skip:
                skip = False
                continue
            if w in ("--passphrase-file", "--log-file", "--log-level"):
                skip = True
                continue
            if w == self.cli_exe:
                w = "postern-cli"
            elif w == self.up_exe:
                w = "postern-uploader"
            words.append(w.replace(self.work + "/", ""))
        return " ".join(words)

    def up_argv(self, *args):
        return [self.up_exe, "--home", self.uhome, "--passphrase-file", self.p_up] + list(args)

    def up(self, *args):
        return self.run(self.up_argv(*args), "uploader " + args[0])

    def cli(self, passfile, *args):
        argv = [self.cli_exe, "--store", self.store]
        if passfile:
            argv += ["--passphrase-file", passfile]
        return self.run(argv + list(args), "cli " + args[0])

    def must(self, want, result, what):
        rc, out, err = result
        if rc != want:
            self.fail("%s: expected exit %d, got %d\nstdout:\n%s\nstderr:\n%s" % (what, want, rc, out, err))
        return out

    def fail(self, message):
        raise PropertyFailure(message)

    # ---- setup -----------------------------------------------------------------------------

    def setup(self):
        self.p_up = self.passfile("uploader", "uploader passphrase 1")
        p_root = self.passfile("root", "root passphrase 12")
        self.p_alice = self.passfile("alice", "alice passphrase 1")
        self.p_bob = self.passfile("bob", "bob passphrase 123")
        self.p_carol = self.passfile("carol", "carol passphrase 1")
        self.p_olga = self.passfile("olga", "olga passphrase 12")

        out = self.must(0, self.up("init", "--name", "up1", "--kdf", "interactive"), "uploader init")
        up_fp = field(out, "fingerprint")
        up_id = os.path.join(self.uhome, "uploader-identity.postern")
        out = self.must(0, self.run([self.cli_exe, "--store", self.store, "--new-passphrase-file", p_root,
                                     "--kdf", "interactive", "init", "--name", "ws1", "--admin", "root"],
                                    "cli init"), "workstation init")
        ws_fp = field(out, "workstation")
        self.must(0, self.cli(p_root, "uploader", "trust", up_id, "--as", "root", "--fingerprint", up_fp),
                  "uploader trust")
        ws_id = os.path.join(self.work, "ws1.identity")
        self.must(0, self.cli(p_root, "identity", "export", ws_id, "--as", "root"), "identity export")
        self.must(0, self.up("trust", ws_id, "--fingerprint", ws_fp), "trust workstation")
        for name, pf, roles in [("alice", self.p_alice, "author"), ("bob", self.p_bob, "approver"),
                                ("carol", self.p_carol, "approver"), ("olga", self.p_olga, "operator")]:
            self.must(0, self.run([self.cli_exe, "--store", self.store, "--passphrase-file", p_root,
                                   "--new-passphrase-file", pf, "--kdf", "interactive", "user", "add", name,
                                   "--roles", roles, "--as", "root"], "cli user"), "user add " + name)
        policy = {"channels": [
            {"channel": "outbox:news", "required": 1, "approvers": ["bob", "carol"], "max_lifetime": "24h"},
            {"channel": "outbox:press", "required": 2, "approvers": ["bob", "carol"], "max_lifetime": "24h"},
        ]}
        policy_file = os.path.join(self.work, "policy.json")
        with open(policy_file, "w") as f:
            json.dump(policy, f)
        self.must(0, self.cli(p_root, "policy", "set", policy_file, "--as", "root"), "policy set")

        # Four bundles; posts on one or both channels; the last bundle also carries a post
        # scheduled a little in the future, so its bundle stays open (file kept, no receipt)
        # until that post falls due.
        layout = [
            [("press",), ("news",)],
            [("press", "news")],
            [("news",)],
            [("news", "press", "scheduled")],
        ]
        for b, posts in enumerate(layout, start=1):
            made = []
            scheduled = None
            for k, spec in enumerate(posts):
                channels = ["outbox:" + c for c in spec if c != "scheduled"]
                argv = ["draft", "new", "--as", "alice", "--text", "bundle %d post %d, seed %d" % (b, k, self.seed)]
                for c in channels:
                    argv += ["--channel", c]
                if "scheduled" in spec:
                    scheduled = int(time.time()) + SCHEDULE_DELAY
                    argv += ["--schedule", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(scheduled))]
                out = self.must(0, self.cli(self.p_alice, *argv), "draft new")
                post = [l.split()[2] for l in out.splitlines() if l.startswith("created post ")][0]
                self.must(0, self.cli(self.p_alice, "submit", post, "--as", "alice"), "submit")
                self.must(0, self.cli(self.p_bob, "approve", post, "--as", "bob"), "approve bob")
                if "outbox:press" in channels:
                    self.must(0, self.cli(self.p_carol, "approve", post, "--as", "carol"), "approve carol")
                made.append((post, channels))
            path = os.path.join(self.orig, "b%d.postern" % b)
            out = self.must(0, self.cli(self.p_olga, "export", *[p for p, _ in made], "--as", "olga", "--out", path),
                            "export bundle %d" % b)
            bid = field(out, "bundle")
            self.bundles.append({"id": bid, "name": "b%d" % b, "path": path, "size": os.path.getsize(path),
                                 "posts": made, "scheduled": scheduled})
        # The copies: two intact in different folders, a truncated and a padded one.
        for b in self.bundles:
            data = read(b["path"])
            write(self.copy_path(b, "intact", 0), data)
            write(self.copy_path(b, "intact", 1), data)
            write(self.copy_path(b, "trunc", 0), data[: len(data) // 2])
            write(self.copy_path(b, "pad", 0), data + b"\0")
        self.note("setup done in %.1fs: bundles %s" % (time.monotonic() - self.started,
                                                        ", ".join("%s=%s (%d bytes)" % (b["name"], b["id"][:12], b["size"])
                                                                  for b in self.bundles)))

    def copy_path(self, b, kind, where):
        folder = self.watch if where == "w" else self.media[where]
        suffix = "" if kind == "intact" else "-" + kind
        return os.path.join(folder, b["name"] + suffix + ".postern")

    # ---- the model's view of files ---------------------------------------------------------

    def copies(self):
        """Every bundle copy that exists now: (bundle, kind, where, path)."""
        found = []
        for b in self.bundles:
            for kind, wheres in (("intact", (0, 1, "w")), ("trunc", (0, "w")), ("pad", (0, "w"))):
                for where in wheres:
                    p = self.copy_path(b, kind, where)
                    if os.path.exists(p):
                        found.append((b, self.kind_now(b, p, kind), where, p))
        return found

    def kind_now(self, b, path, kind):
        """What the copy is now: a completed truncated copy is intact; a wiped one is junk."""
        data = read(path)
        orig = read(b["path"])
        if data == orig:
            return "intact"
        if len(data) < len(orig) and orig.startswith(data):
            return "trunc"
        if len(data) > len(orig) and data.startswith(orig):
            return "pad"
        return "junk"  # e.g. partly overwritten with zeros by a wipe we killed

    def receipt_files(self):
        found = []
        for d in self.media + [self.watch, self.elsewhere, self.orig, os.path.join(self.work, "final")]:
            if os.path.isdir(d):
                for n in sorted(os.listdir(d)):
                    if n.endswith(".receipt") and not n.startswith("."):
                        found.append(os.path.join(d, n))
        return found

    def outbox_targets(self):
        """(post, channel) -> [bundle ids] from every post.json under the outbox."""
        held = collections.defaultdict(list)
        if not os.path.isdir(self.outbox):
            return held
        for root, _dirs, files in os.walk(self.outbox):
            if "post.json" in files:
                with open(os.path.join(root, "post.json")) as f:
                    try:
                        pj = json.load(f)
                    except ValueError:
                        self.fail("unreadable post.json in %s" % root)
                held[(pj["post_id"], pj["channel"])].append(pj["bundle_id"])
        return held

    # ---- invariants --------------------------------------------------------------------------

    def check(self):
        held = self.outbox_targets()
        for key, where in held.items():
            if len(where) > 1:
                self.fail("post %s is in the outbox %d times on %s (bundles %s)" % (key[0], len(where), key[1], where))
        current = set()
        for path in self.receipt_files():
            current.add(path)
            data = read(path)
            h = sha(data)
            if path not in self.receipt_hashes:
                self.receipt_hashes[path] = h
                self.note("receipt appeared: %s" % path.replace(self.work + "/", ""))
                self.check_receipt(path, data, held)
            elif self.receipt_hashes[path] != h:
                self.fail("the receipt %s changed after it was written" % path)
        for path in self.receipt_hashes:
            if path not in current:
                self.fail("the receipt %s disappeared" % path)

    def check_receipt(self, path, data, held):
        try:
            doc = json.loads(data)
            body = doc["body"]
        except (ValueError, KeyError):
            self.fail("%s is not a receipt document" % path)
        bid = body["bundle_id"]
        h = sha(data)
        if bid in self.receipt_bundle and self.receipt_bundle[bid] != h:
            self.fail("two different receipts for bundle %s (the second is %s)" % (bid, path))
        self.receipt_bundle[bid] = h
        self.seen_taken.add(bid)
        if body.get("error"):
            self.fail("%s is a rejection (%s) for a valid, fresh bundle" % (path, body["error"]))
        for e in body["entries"]:
            if e["state"] != "published":
                self.fail("%s reports %s on %s as %s" % (path, e["post_id"], e["channel"], e["state"]))
            if bid not in held.get((e["post_id"], e["channel"]), []):
                self.fail("%s says %s was published on %s, but the outbox does not hold it"
                          % (path, e["post_id"], e["channel"]))

    # ---- operations ----------------------------------------------------------------------------

    def pick(self, items):
        return items[self.rng.randrange(len(items))] if items else None

    def op_publish(self):
        copies = self.copies()
        if not copies:
            return self.op_restore()
        b, kind, where, path = self.pick(copies)
        argv = ["publish", path]
        capped = False
        if self.rng.random() < 0.3:
            argv.append("--keep")
        if self.rng.random() < 0.15:
            argv += ["--max-size", str(self.rng.randrange(100, b["size"]))]
            capped = True
        if self.rng.random() < 0.2:
            self.receipt_seq += 1
            argv += ["--receipt", os.path.join(self.elsewhere, "r%d.receipt" % self.receipt_seq)]
        rc, out, err = self.up(*argv)
        self.judge_bundle_answer("publish", b, kind, capped, rc, err)
        if rc == 4:
            self.seen_taken.add(b["id"])
        if rc == 0:
            self.taken_now(b, "publish")

    def judge_bundle_answer(self, what, b, kind, capped, rc, err):
        if kind == "intact" and not capped and rc == 3:
            self.fail("%s rejected an intact copy of %s:\n%s" % (what, b["name"], err))
        if (kind != "intact" or capped) and rc == 0:
            self.fail("%s took a %s copy of %s" % (what, "capped" if capped else kind, b["name"]))

    def op_verify(self):
        copies = self.copies()
        if not copies:
            return self.op_restore()
        b, kind, where, path = self.pick(copies)
        rc, out, err = self.up("verify", path)
        self.judge_bundle_answer("verify", b, kind, False, rc, err)
        if rc == 4:
            self.seen_taken.add(b["id"])
        if rc == 0 and b["id"] in self.seen_taken:
            self.fail("verify passed bundle %s although it was already taken (expected replay)" % b["name"])
        if rc == 0 and b["id"] in self.must_be_taken:
            self.fail("verify passed bundle %s as new, but %s should have taken it"
                      % (b["name"], self.must_be_taken[b["id"]]))

    def op_watch(self):
        argv = ["watch", self.watch, "--once", "--settle", "0"]
        if self.rng.random() < 0.3:
            argv.append("--keep")
        # With --settle 0 a pass takes every intact copy of a bundle the ledger does not know,
        # unless a file already sits where its receipt would go.
        eligible = [(b, path) for b, kind, where, path in self.copies()
                    if where == "w" and kind == "intact" and b["id"] not in self.seen_taken
                    and not os.path.exists(path + ".receipt")]
        rc, out, err = self.up(*argv)
        if rc in (0, 3, 5):
            for b, path in eligible:
                self.must_be_taken.setdefault(b["id"], "watch #%d (%s)" % (self.op_no, os.path.basename(path)))

    def taken_now(self, b, what):
        """A command just took bundle b (exit 0): it must not have been taken before."""
        if b["id"] in self.seen_taken:
            self.fail("%s took bundle %s although it was already taken" % (what, b["name"]))
        if b["id"] in self.must_be_taken:
            self.fail("%s took bundle %s, but %s should have taken it: an intact copy sat in the watched "
                      "folder and was left behind" % (what, b["name"], self.must_be_taken[b["id"]]))
        self.seen_taken.add(b["id"])

    def op_resume(self):
        self.up("resume")

    def op_kill(self):
        copies = self.copies()
        target = None
        if copies and self.rng.random() < 0.6:
            target = self.pick(copies)
            args = ["publish", target[3]] + (["--keep"] if self.rng.random() < 0.3 else [])
        else:
            args = ["watch", self.watch, "--once", "--settle", "0"]
        delay = self.rng.uniform(0.0, 0.4)
        argv = self.up_argv(*args)
        p = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, cwd=self.work, start_new_session=True)
        try:
            p.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
        err = p.communicate(timeout=120)[1].decode(errors="replace")
        self.ops["kill:" + args[0]] += 1
        self.background_done(argv, p.returncode, err, "after %.0f ms" % (delay * 1000))
        if target and p.returncode in (0, 3):
            self.judge_bundle_answer("publish", target[0], target[1], False, p.returncode, err)
        if target and p.returncode == 0:
            self.taken_now(target[0], "publish (not killed in time)")

    def op_race(self):
        """Two uploader runs at once on copies of the same bundle (one of them maybe killed)."""
        b = self.pick(self.bundles)
        mine = [c for c in self.copies() if c[0] is b]
        if len(mine) < 1:
            return self.op_restore()
        first = self.pick(mine)
        bg_args = self.pick([["publish", first[3]], ["watch", self.watch, "--once", "--settle", "0"]])
        kill = self.rng.random() < 0.5
        delay = self.rng.uniform(0.0, 0.4)
        second = self.pick(mine)
        fg_args = self.pick([["publish", second[3]], ["verify", second[3]], ["resume"]])
        argv = self.up_argv(*bg_args)
        p = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, cwd=self.work, start_new_session=True)
        self.note("%s &" % self.show_argv(argv))
        rc, out, err = self.up(*fg_args)
        if fg_args[0] != "resume":
            self.judge_bundle_answer(fg_args[0], b, second[1], False, rc, err)
        if kill:
            try:
                p.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        bg_err = p.communicate(timeout=120)[1].decode(errors="replace")
        self.background_done(argv, p.returncode, bg_err, "%.0f ms after the other" % (delay * 1000) if kill else None)
        if bg_args[0] == "publish" and p.returncode in (0, 3):
            self.judge_bundle_answer("publish", b, first[1], False, p.returncode, bg_err)
        takers = []
        if fg_args[0] == "publish" and rc == 0:
            takers.append("publish (racing, foreground)")
        if bg_args[0] == "publish" and p.returncode == 0:
            takers.append("publish (racing, background)")
        if len(takers) > 1:
            self.fail("two racing publishes of %s both took it" % b["name"])
        if takers:
            self.taken_now(b, takers[0])

    def background_done(self, argv, rc, err, kill_note):
        killed = rc == KILLED
        if killed:
            self.kills += 1
        self.codes[("uploader " + argv[5] + " (bg)", rc)] += 1
        self.note("  ... & %s%s -> %s%s" % (self.show_argv(argv), " (SIGKILL %s)" % kill_note if kill_note else "",
                                        "killed" if killed else "exit %d" % rc,
                                        "" if rc in (0, KILLED) else "  " + first_line(err)))
        if not killed and rc not in DOCUMENTED:
            self.fail("%s exited %d, which is no documented exit code\nstderr:\n%s"
                      % (self.show_argv(argv), rc, err))

    def op_import(self):
        receipts = self.receipt_files()
        if not receipts:
            return self.op_resume()
        # Prefer one not imported yet, but also import twice.
        fresh = [r for r in receipts if self.bundle_of_receipt(r) not in self.imported]
        path = self.pick(fresh) if fresh and self.rng.random() < 0.7 else self.pick(receipts)
        bid = self.bundle_of_receipt(path)
        rc, out, err = self.cli(self.p_olga, "receipt", "import", path, "--as", "olga")
        self.judge_import(bid, rc, out, err, path)

    def judge_import(self, bid, rc, out, err, path):
        if bid in self.imported:
            if rc != 3 or "already" not in err:
                self.fail("a repeated import of %s's receipt (%s) gave exit %d, not already-exists (3):\n%s%s"
                          % (bid, path, rc, out, err))
        else:
            if rc != 0:
                self.fail("the first import of %s's receipt (%s) gave exit %d:\n%s%s" % (bid, path, rc, out, err))
            self.imported.add(bid)

    def bundle_of_receipt(self, path):
        return json.loads(read(path))["body"]["bundle_id"]

    def op_reissue(self):
        b = self.pick(self.bundles)
        copies = [c for c in self.copies() if c[0] is b and c[1] != "junk"]
        what = self.pick(copies)[3] if copies and self.rng.random() < 0.5 else b["id"]
        self.receipt_seq += 1
        target = os.path.join(self.elsewhere, "r%d.receipt" % self.receipt_seq)
        rc, out, err = self.up("receipt", what, "--out", target)
        if rc == 0 and not os.path.exists(target):
            self.fail("receipt --out exited 0 but wrote no %s" % target)
        if rc != 0 and b["id"] in self.receipt_bundle:
            self.fail("a receipt for %s exists, but `receipt %s --out` exited %d:\n%s" % (b["name"], what, rc, err))

    def op_complete(self):
        partial = [c for c in self.copies() if c[1] == "trunc"]
        if not partial:
            return self.op_drop()
        b, kind, where, path = self.pick(partial)
        data = read(b["path"])
        have = os.path.getsize(path)
        with open(path, "ab") as f:
            f.write(data[have:])
        self.note("completed %s (%d + %d bytes)" % (path.replace(self.work + "/", ""), have, len(data) - have))

    def op_restore(self):
        """Copy a bundle again (from the workstation's media) to a place where a copy was used up."""
        b = self.pick(self.bundles)
        kind = self.pick(["intact", "intact", "trunc", "pad"])
        where = self.pick([0, 1]) if kind == "intact" else 0
        path = self.copy_path(b, kind, where)
        if os.path.exists(path):
            return self.op_verify()
        self.write_copy(b, kind, path)

    def op_drop(self):
        """Put a copy into the watched folder."""
        b = self.pick(self.bundles)
        kind = self.pick(["intact", "intact", "trunc", "pad"])
        path = self.copy_path(b, kind, "w")
        if os.path.exists(path):
            return self.op_watch()
        self.write_copy(b, kind, path)

    def write_copy(self, b, kind, path):
        data = read(b["path"])
        if kind == "trunc":
            data = data[: len(data) // 2]
        elif kind == "pad":
            data = data + b"\0"
        tmp = os.path.join(os.path.dirname(path), ".copy.tmp")
        write(tmp, data)
        os.rename(tmp, path)
        self.note("copied %s %s to %s" % (kind, b["name"], path.replace(self.work + "/", "")))

    OPS = [  # (weight, name)
        (22, "publish"), (8, "verify"), (10, "watch"), (6, "resume"), (10, "kill"), (5, "race"), (12, "import"),
        (6, "reissue"), (6, "complete"), (8, "restore"), (10, "drop"),
    ]

    def random_op(self):
        total = sum(w for w, _ in self.OPS)
        r = self.rng.uniform(0, total)
        for w, name in self.OPS:
            r -= w
            if r <= 0:
                return name
        return self.OPS[-1][1]

    # ---- the end -------------------------------------------------------------------------------

    def finish(self):
        # Let the scheduled post fall due, so every bundle can complete.
        due = max((b["scheduled"] or 0) for b in self.bundles)
        wait = due + 1 - time.time()
        if wait > 0:
            self.note("waiting %.1fs for the scheduled post" % wait)
            time.sleep(wait)
        for attempt in range(6):
            rc, _, err = self.up("resume")
            self.check()
            if rc == 0:
                break
        else:
            self.fail("resume did not exit 0 after 6 tries: %s" % err)
        os.makedirs(os.path.join(self.work, "final"))
        for b in self.bundles:
            path = os.path.join(self.work, "final", b["name"] + ".postern")
            shutil.copyfile(b["path"], path)
            was_taken = b["id"] in self.seen_taken
            rc, out, err = self.up("publish", path)
            if was_taken and rc != 4:
                self.fail("the intact copy of %s, which was taken before, gave exit %d, not replay (4):\n%s"
                          % (b["name"], rc, err))
            if rc not in (0, 4):
                self.fail("the final publish of %s gave exit %d:\n%s" % (b["name"], rc, err))
            if rc == 0:
                self.taken_now(b, "the final publish")
            self.check()
        # Every bundle is complete now: the ledger has a receipt for each.
        for b in self.bundles:
            self.receipt_seq += 1
            target = os.path.join(self.elsewhere, "r%d.receipt" % self.receipt_seq)
            rc, out, err = self.up("receipt", b["id"], "--out", target)
            if rc != 0:
                self.fail("no receipt for %s after the end (exit %d): %s" % (b["name"], rc, err))
            self.check()
        for path in self.receipt_files():
            bid = self.bundle_of_receipt(path)
            rc, out, err = self.cli(self.p_olga, "receipt", "import", path, "--as", "olga")
            self.judge_import(bid, rc, out, err, path)
        self.check()
        held = self.outbox_targets()
        states = collections.Counter()
        for b in self.bundles:
            for post, channels in b["posts"]:
                rc, out, err = self.cli(None, "show", post, "--json")
                if rc != 0:
                    self.fail("show %s gave exit %d: %s" % (post, rc, err))
                doc = json.loads(out)
                state = doc["state"]
                states[state] += 1
                in_outbox = all(len(held.get((post, c), [])) == 1 for c in channels)
                if (state == "published") != in_outbox:
                    self.fail("post %s of %s is %s on the workstation, but the outbox %s it on every channel (%s)"
                              % (post, b["name"], state, "holds" if in_outbox else "does not hold",
                                 ", ".join(channels)))
                if state == "failed":
                    self.fail("post %s of %s is failed (%s), and no receipt names an error"
                              % (post, b["name"], doc.get("last_reason")))
                published = collections.Counter(r["channel"] for r in doc["results"] if r["outcome"] == "published")
                for c, n in published.items():
                    if n > 1:
                        self.fail("post %s has %d published results on %s" % (post, n, c))
                if state != "published":
                    self.fail("post %s of %s is %s after every bundle was finished" % (post, b["name"], state))
        self.final_states = states

    # ---- driver --------------------------------------------------------------------------------

    def go(self):
        self.setup()
        self.check()
        self.times["setup"] = time.monotonic() - self.started
        t0 = time.monotonic()
        self.done_ops = 0
        for i in range(self.n_ops):
            if self.args.op_seconds and time.monotonic() - t0 > self.args.op_seconds:
                self.note("time limit: stopping after %d of %d operations" % (i, self.n_ops))
                break
            self.op_no = i + 1
            name = self.random_op()
            self.ops[name] += 1
            self.note("#%d %s" % (i + 1, name))
            getattr(self, "op_" + name)()
            self.check()
            self.done_ops = i + 1
        self.times["ops"] = time.monotonic() - t0
        t0 = time.monotonic()
        self.finish()
        self.times["end"] = time.monotonic() - t0

    def summary(self):
        kinds = ", ".join("%s %d" % kv for kv in sorted(self.ops.items()))
        codes = collections.Counter()
        for (what, rc), n in self.codes.items():
            codes["%s=%d" % (what.split()[-1] if what.startswith("uploader") else what, rc)] += n
        return ("seed %d: %d of %d ops, %.1fs (%s); kills %d; receipt files %d for %d bundles; final %s\n"
                "  ops: %s\n  exit codes: %s" % (
                    self.seed, getattr(self, "done_ops", 0), self.n_ops, time.monotonic() - self.started,
                    ", ".join("%s %.0fs" % kv for kv in self.times.items()), self.kills,
                    len(self.receipt_hashes), len(self.receipt_bundle),
                    ", ".join("%s %d" % kv for kv in sorted(getattr(self, "final_states", {}).items())),
                    kinds, ", ".join("%s:%d" % kv for kv in sorted(codes.items()))))


def first_line(text):
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:160]
    return ""


def field(out, label):
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("  ") and len(parts) >= 2 and parts[0] == label:
            return parts[1]
    raise PropertyFailure("no %r in the output:\n%s" % (label, out))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("cli")
    ap.add_argument("uploader")
    ap.add_argument("--seed", type=int, default=None, help="seed of the first run (default: random)")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--ops", type=int, default=None, help="operations per run (default: 40-80, from the seed)")
    ap.add_argument("--op-seconds", type=float, default=None,
                    help="stop drawing operations after this many seconds of a run (bounds CTest's time)")
    ap.add_argument("--budget", type=float, default=None,
                    help="start no further run once the next one would likely end after this many seconds")
    ap.add_argument("--keep-work", action="store_true", help="keep the work folder of a failed run")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every operation as it runs")
    args = ap.parse_args()
    for tool in (args.cli, args.uploader):
        if not os.access(tool, os.X_OK):
            print("FAIL: %s is not an executable" % tool, file=sys.stderr)
            return 1
    base = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 1 << 31)
    print("receipt property test: seeds %d..%d (repeat one with --seed N --runs 1)" % (base, base + args.runs - 1),
          flush=True)
    t0 = time.monotonic()
    longest = 0.0
    done = 0
    for i in range(args.runs):
        if args.budget and i > 0 and time.monotonic() - t0 + longest > args.budget:
            print("time budget of %.0fs: ran %d of %d seeds" % (args.budget, i, args.runs), flush=True)
            break
        seed = base + i
        started = time.monotonic()
        n_ops = args.ops if args.ops is not None else random.Random(seed).randint(40, 80)
        run = Run(args, seed, n_ops)
        ok = False
        try:
            run.go()
            ok = True
        except PropertyFailure as e:
            print("FAIL (seed %d): %s" % (seed, e), file=sys.stderr)
        except Exception:  # a bug of this script, or a command that hung: still show the log
            print("ERROR (seed %d):\n%s" % (seed, traceback.format_exc()), file=sys.stderr)
        finally:
            if not ok:
                print("---- operations of seed %d (reproduce: %s --seed %d --runs 1 --ops %d -v) ----"
                      % (seed, os.path.basename(sys.argv[0]), seed, n_ops), file=sys.stderr)
                for line in run.log:
                    print("  " + line, file=sys.stderr)
            print(run.summary(), flush=True)
            if ok or not args.keep_work:
                shutil.rmtree(run.work, ignore_errors=True)
            else:
                print("work folder kept: " + run.work, file=sys.stderr)
        if not ok:
            return 1
        done += 1
        longest = max(longest, time.monotonic() - started)
    print("OK: %d run(s) in %.1fs" % (done, time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
