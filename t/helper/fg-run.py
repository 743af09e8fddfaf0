#!/usr/bin/env python3
"""fg-run.py [--group <pgid-file>] <code-file> <command> [<arg>...]

Runs <command> the way an interactive shell runs a foreground job: the
command gets SIGINT with its default action, the shell itself ignores it
and, once the command is gone, writes its status as a shell shows it
($?: the exit code, or 128 + the signal) to <code-file>.  With --group
the command gets a process group of its own, whose id goes to
<pgid-file>: send it the signal a terminal sends with kill -INT -<pgid>.
"""
import os
import signal
import sys

args = sys.argv[1:]
pgid_file = None
if args[0] == "--group":
    pgid_file = args[1]
    args = args[2:]
code_file, command = args[0], args[1:]
signal.signal(signal.SIGINT, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    if pgid_file:
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.execvp(command[0], command)
if pgid_file:
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    with open(pgid_file + ".tmp", "w") as f:
        f.write("%d\n" % pid)
    os.rename(pgid_file + ".tmp", pgid_file)
_, status = os.waitpid(pid, 0)
code = os.waitstatus_to_exitcode(status)
with open(code_file + ".tmp", "w") as f:
    f.write("%d\n" % (128 - code if code < 0 else code))
os.rename(code_file + ".tmp", code_file)
