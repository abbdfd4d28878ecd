#!/usr/bin/env python3
"""pam_conv.py [--uid UID] ANSWERS... -- COMMAND...: runs COMMAND
(pamtester; as UID through setpriv when given) and
answers its conversation prompts in order, one ANSWER per prompt, each
only once the prompt has been written (pam_misc reads one read(2) per
prompt, so answers piped in at once would run together).  Prints what the
command wrote (prompts included) and exits with its status; a prompt
beyond the answers gets end of file."""
import os
import select
import subprocess
import sys
import time

args = sys.argv[1:]
uid = None
if args[:1] == ["--uid"]:
    uid, args = args[1], args[2:]
sep = args.index("--")
answers, cmd = args[:sep], args[sep + 1:]
if uid is not None:
    cmd = ["setpriv", "--reuid=" + uid, "--regid=" + uid,
           "--clear-groups"] + cmd
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                     stderr=subprocess.STDOUT)
seen = b""
deadline = time.time() + 60
fd = p.stdout.fileno()
while True:
    r, _, _ = select.select([fd], [], [], max(0.0, deadline - time.time()))
    if not r:
        p.kill()
        sys.stdout.write(seen.decode("utf-8", "replace"))
        print("pam_conv: no progress for 60 s")
        sys.exit(124)
    chunk = os.read(fd, 4096)
    if not chunk:
        break
    seen += chunk
    tail = seen.rsplit(b"\n", 1)[-1]
    if tail.endswith(b": ") and p.stdin is not None:
        if answers:
            p.stdin.write(answers.pop(0).encode() + b"\n")
            p.stdin.flush()
            seen += b"\n"
        else:
            p.stdin.close()
            p.stdin = None
sys.stdout.write(seen.decode("utf-8", "replace"))
sys.exit(p.wait())
