# Helpers for the tests of the Slurm backend: a one-node cluster
# (contrib/slurm/one-node.sh) brought up for the test script and torn
# down at its end.  They run with PARA_TEST_SLURM or PARA_REQUIRE_SLURM
# set (`make test-slurm`, .ci/run); without Slurm the script is skipped
# with the reason, which PARA_REQUIRE_SLURM turns into a failure.

slurm_missing () {
	if ! command -v slurmctld >/dev/null 2>&1 ||
	   ! command -v slurmd >/dev/null 2>&1 ||
	   ! command -v munged >/dev/null 2>&1
	then
		echo "Slurm is not installed (slurm-wlm and munge: contrib/install-deps.sh)"
	elif test "$(id -u)" != 0
	then
		echo "the one-node Slurm cluster needs root (slurmd runs the jobs)"
	fi
}

SLURM_WHY=$(slurm_missing)
if test -z "$SLURM_WHY$PARA_TEST_SLURM$PARA_REQUIRE_SLURM"
then
	# a cluster for each run would serialise every `make test` of the machine
	skip_all="these tests bring up a Slurm cluster: run them with 'make test-slurm' (or PARA_TEST_SLURM=1)"
	test_done
fi
if test -n "$SLURM_WHY"
then
	test -z "$PARA_REQUIRE_SLURM" || error "PARA_REQUIRE_SLURM is set, but $SLURM_WHY"
	skip_all="$SLURM_WHY"
	test_done
fi

ONE_NODE=$SHARNESS_TEST_DIRECTORY/../contrib/slurm/one-node.sh

# The trash directory's name has a space, which slurm.conf cannot
# quote: the cluster lives in it under a link of a name without one.
mkdir "$TRASH_DIRECTORY/slurm" &&
SLURM_DIR=$(mktemp -u /tmp/git-para-slurm.XXXXXX) &&
ln -s "$TRASH_DIRECTORY/slurm" "$SLURM_DIR" || error "cannot make '$SLURM_DIR'"

slurm_down () {
	"$ONE_NODE" stop "$SLURM_DIR" >/dev/null 2>&1
	rm -f "$SLURM_DIR"
}
# if the script dies before its end, the cluster goes with it (one-node.sh)
cleanup 'slurm_down'

if ! PARA_SLURM_OWNER=$$ "$ONE_NODE" start "$SLURM_DIR" >slurm-start.out 2>&1
then
	slurm_down
	error "the one-node Slurm cluster did not start: $(cat slurm-start.out)"
fi
eval "$("$ONE_NODE" env "$SLURM_DIR")"

# slurm_jobs: the jobs Slurm has pending or running, one id a line
slurm_jobs () {
	squeue --noheader --format=%i
}

# slurm_job_state <id>: what Slurm says of a job (any state)
slurm_job_state () {
	squeue --noheader --states=all --jobs="$1" --format=%T
}

# slurm_quiet: no job is pending or running any more (KillWait of the
# last ones included)
slurm_quiet () {
	slurm_jobs >jobs.out &&
	test_must_be_empty jobs.out
}

# slurm_controller (stop|start): the controller alone
slurm_controller () {
	"$ONE_NODE" "$1-controller" "$SLURM_DIR"
}

# slurm_repo: the test repository "repo", its tasks run as batch jobs
slurm_repo () {
	test_create_repo repo &&
	git -C repo config para.backend slurm &&
	git -C repo config para.killGrace 2s
}

# job_of <task>: the id of the batch job of the task's last attempt
job_of () {
	git config -f "$TRASH_DIRECTORY/repo/.git/para/tasks/$1" run.jobId
}

# has_job <task>: the task's batch job is on record
has_job () {
	job_of "$1" >/dev/null
}

# job_in <task> <state>: Slurm says the task's job is in that state
job_in () {
	has_job "$1" &&
	test "$2" = "$(slurm_job_state $(job_of "$1"))"
}
