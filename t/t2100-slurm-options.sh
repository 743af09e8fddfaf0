#!/bin/sh

test_description='git para run --backend: what is refused before anything runs (no cluster needed)'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

test_expect_success 'setup' '
	test_create_repo repo &&
	(cd repo && test_task one -c "touch ran")
'

# refused <message> <args>...: run fails with 128 and the message, and
# nothing ran or was recorded
refused () {
	msg=$1 && shift &&
	test_expect_code 128 git -C repo "$@" para run one 2>err &&
	test_grep "^fatal: $msg" err &&
	test_path_is_missing repo-worktrees/one/ran &&
	test new = "$(cd repo && test_state one)" &&
	test_path_is_missing repo/.git/para/jobs &&
	test -z "$(cd repo && git config -f .git/para/tasks/one run.jobId)"
}

test_expect_success 'an unknown backend is refused' '
	refused "unknown backend .pbs.: expected .local. or .slurm." -c para.backend=pbs &&
	test_expect_code 128 git -C repo para run --backend=pbs one 2>err &&
	test_grep "unknown backend .pbs." err
'

test_expect_success 'para.slurmOptions may not take over what git-para owns' '
	for o in --output=x "-o x" -ox --error=y --chdir=/tmp "-D /tmp" \
		--job-name=n "-J n" --open-mode=truncate --export=NONE --hold \
		--wrap=true --wait
	do
		want=$(echo "$o" | sed -e "s/[= ].*//" -e "s/^\(-[a-zA-Z]\).*/\1/") &&
		refused ".para.slurmOptions. may not set .$want.: git-para sets" \
			-c para.backend=slurm -c "para.slurmOptions=--mem=1G $o" ||
		return 1
	done
'

test_expect_success 'options of the same beginning are not refused for it' '
	test_expect_code 128 git -C repo -c para.backend=slurm \
		-c "para.slurmOptions=--exclusive --oversubscribe" \
		-c para.launcher=srun para run one 2>err &&
	test_grep "takes no .para.launcher." err
'

test_expect_success '--tag and para.launcher need the local backend' '
	test_expect_code 128 git -C repo para run --backend slurm --tag one 2>err &&
	test_grep "^fatal: .--tag. needs the local backend" err &&
	test new = "$(cd repo && test_state one)" &&
	refused "the slurm backend takes no .para.launcher." \
		-c para.backend=slurm -c "para.launcher=srun --ntasks=1 --"
'

test_expect_success 'the local backend by name is today'"'"'s run' '
	git -C repo para run --backend local one &&
	test_path_is_file repo-worktrees/one/ran &&
	test -z "$(cd repo && git config -f .git/para/tasks/one run.jobId)"
'

test_done
