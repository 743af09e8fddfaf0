#!/bin/sh
# A one-node Slurm cluster on 127.0.0.1 for tests and for trying the
# Slurm backend: munged, slurmctld and slurmd started by this script
# (no systemd, no accounting), everything under one state directory.
# The node declares its CPUs and memory (RealMemory, CR_Core_Memory), so
# that a job's --mem and --cpus-per-task are honoured and a job asking
# for more than the node has never starts.
#
#   one-node.sh start <dir>    bring it up (the node is idle on return)
#   one-node.sh stop <dir>     cancel every job, stop the daemons by pid,
#                              remove the state
#   one-node.sh status <dir>   exit 0 while the controller answers
#   one-node.sh env <dir>      the environment for the clients
#                              (eval "$(one-node.sh env <dir>)")
#   one-node.sh stop-controller <dir>, start-controller <dir>
#                              the controller alone (its jobs live on)
#
# Needs root (slurmd runs jobs as their submitter) and Debian's
# slurm-wlm and munge (contrib/install-deps.sh).  Only one such cluster
# runs on a machine at a time (the cgroups of its jobs have fixed names):
# `start` waits up to PARA_SLURM_LOCK_WAIT seconds (default 300) for the
# machine-wide lock PARA_SLURM_LOCK, held until `stop`.  When the process
# PARA_SLURM_OWNER (default: our parent) ends without `stop`, the cluster
# is stopped for it.  The directory's path may not contain white space
# (slurm.conf cannot quote it).

set -u

cmd=${1:-}
dir=${2:-}
lock=${PARA_SLURM_LOCK:-/run/lock/git-para-one-node-slurm.lock}

die () {
	echo >&2 "one-node.sh: $*"
	exit 1
}

test -n "$cmd" && test -n "$dir" ||
	die "usage: one-node.sh (start|stop|status|env) <dir>"
case "$dir" in
/*) ;;
*) dir=$(pwd)/$dir ;;
esac
case "$dir" in
*[[:space:]]*) die "'$dir': slurm.conf cannot name a path with white space" ;;
esac

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
host=$(hostname -s)
conf=$dir/etc/slurm.conf

client_env () {
	echo "SLURM_CONF='$conf'; export SLURM_CONF"
}

free_port () {
	# a port nobody listens on, probed, from a range of its own
	for p in $(seq "$1" $(($1 + 200))); do
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# the node's memory in MiB as slurmd counts it, a little below, so that
# the node is never drained for "Low RealMemory"
real_memory () {
	awk '/^MemTotal:/ { print int($2 / 1024 * 0.95); exit }' /proc/meminfo
}

write_conf () {
	ctld_port=$(free_port 16817) || die "no free port for slurmctld"
	d_port=$(free_port $((ctld_port + 1))) || die "no free port for slurmd"
	cat >"$conf" <<CONF
ClusterName=para-one-node
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$d_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/run/slurmctld.pid
SlurmdPidFile=$dir/run/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/cgroup
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerNode=64
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SchedulerParameters=batch_sched_delay=0,bf_interval=1,sched_min_interval=0
KillWait=5
InactiveLimit=30
MinJobAge=300
ReturnToService=2
Licenses=db:1
MpiDefault=none
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$(real_memory) State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
	cat >"$dir/etc/cgroup.conf" <<CONF
CgroupPlugin=cgroup/v1
CgroupAutomount=no
ConstrainCores=no
ConstrainRAMSpace=no
CONF
}

pid_of () {
	cat "$dir/run/$1.pid" 2>/dev/null
}

alive () {
	_p=$(pid_of "$1") && test -n "$_p" && kill -0 "$_p" 2>/dev/null
}

wait_for () {
	# wait_for <tenths> <command...>
	_n=$1
	shift
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n - 1))
		test $_n -gt 0 || return 1
		sleep 0.1
	done
}

controller_up () {
	alive slurmctld && SLURM_CONF=$conf scontrol ping | grep -q UP
}

node_idle () {
	test "$(SLURM_CONF=$conf sinfo -h -n "$host" -o %T 2>/dev/null)" = idle
}

# a zombie is gone too: its parent may wait for our output to end
owner_lives () {
	kill -0 "$owner" 2>/dev/null &&
	! grep -qs '^State:[[:space:]]*Z' "/proc/$owner/status"
}

# runs a daemon with none of our descriptors: whoever reads our
# output (a test harness) sees its end when we end
daemon () {
	"$@" </dev/null >>"$dir/log/$1.out" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- \
		8>&- 9>&-
}

take_lock () {
	owner=${PARA_SLURM_OWNER:-$PPID}
	mkdir -p "$(dirname "$lock")"
	exec 9>>"$lock"
	flock -w "${PARA_SLURM_LOCK_WAIT:-300}" 9 ||
		die "another one-node cluster holds '$lock'"
	# the holder keeps the lock while the owner lives; when the owner
	# dies without `stop`, it stops the cluster and lets the lock go
	( while owner_lives && test -d "$dir/run"; do
		sleep 1
	  done
	  test -d "$dir/run" && PARA_SLURM_HOLDER=1 "$self" stop "$dir" ) \
		</dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- &
	echo $! >"$dir/run/lock.pid"
	exec 9>&-
}

start () {
	command -v slurmctld >/dev/null && command -v munged >/dev/null ||
		die "slurm-wlm and munge are not installed (contrib/install-deps.sh)"
	test "$(id -u)" = 0 || die "must run as root (slurmd runs the jobs)"
	alive slurmctld && die "already running in '$dir'"
	mkdir -p "$dir/etc" "$dir/ctld" "$dir/spool" "$dir/run" "$dir/log" \
		"$dir/munge" || die "cannot create '$dir'"
	take_lock
	chmod 700 "$dir/munge"
	write_conf
	mungekey --create --keyfile="$dir/munge/munge.key" >/dev/null 2>&1 ||
		dd if=/dev/urandom of="$dir/munge/munge.key" bs=1024 count=1 \
			2>/dev/null
	chmod 600 "$dir/munge/munge.key"
	daemon munged --force --key-file="$dir/munge/munge.key" \
		--socket="$dir/munge/munge.socket" \
		--pid-file="$dir/run/munged.pid" \
		--log-file="$dir/log/munged.log" \
		--seed-file="$dir/munge/munge.seed" ||
		{ stop; die "munged did not start (see $dir/log/munged.log)"; }
	daemon slurmctld -f "$conf" ||
		{ stop; die "slurmctld did not start (see $dir/log)"; }
	wait_for 100 alive slurmctld ||
		{ stop; die "slurmctld did not start (see $dir/log)"; }
	daemon slurmd -f "$conf" -N "$host" ||
		{ stop; die "slurmd did not start (see $dir/log)"; }
	wait_for 300 node_idle ||
		{ stop; die "the node did not become idle (see $dir/log)"; }
}

stop_daemon () {
	_p=$(pid_of "$1") || return 0
	test -n "$_p" || return 0
	kill "$_p" 2>/dev/null || return 0
	_n=100
	while kill -0 "$_p" 2>/dev/null && test $_n -gt 0; do
		sleep 0.1
		_n=$((_n - 1))
	done
	kill -9 "$_p" 2>/dev/null
	return 0
}

stop () {
	test -d "$dir" || return 0
	if alive slurmctld; then
		# slurmstepd outlives slurmd: the jobs go first
		SLURM_CONF=$conf scancel --full --signal=KILL --user=root \
			>/dev/null 2>&1
		SLURM_CONF=$conf scancel --user=root >/dev/null 2>&1
		_n=100
		while test $_n -gt 0 &&
		      test -n "$(SLURM_CONF=$conf squeue -h -o %i 2>/dev/null)"; do
			sleep 0.1
			_n=$((_n - 1))
		done
	fi
	stop_daemon slurmd
	# steps whose slurmd is gone
	for p in $(pgrep -x slurmstepd 2>/dev/null); do
		grep -qs "$dir" "/proc/$p/cmdline" "/proc/$p/environ" &&
			kill -9 "$p" 2>/dev/null
	done
	stop_daemon slurmctld
	stop_daemon munged
	test -n "${PARA_SLURM_HOLDER:-}" || stop_daemon lock
	# the state itself, when <dir> is a link to it (t/lib-slurm.sh)
	_real=$(readlink -f "$dir")
	rm -rf "$dir" "$_real"
}

case "$cmd" in
start) start ;;
stop) stop ;;
status) alive slurmctld && SLURM_CONF=$conf scontrol ping >/dev/null 2>&1 ;;
stop-controller) stop_daemon slurmctld ;;
start-controller)
	alive slurmctld && die "the controller runs already"
	daemon slurmctld -f "$conf" &&
		wait_for 100 controller_up || die "slurmctld did not start (see $dir/log)" ;;
env) client_env ;;
*) die "unknown command '$cmd'" ;;
esac
