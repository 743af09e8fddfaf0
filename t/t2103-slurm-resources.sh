#!/bin/sh

test_description='git para run --backend slurm: the tasks'"'"' declared resources, and jobs that can never start'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"
. "$T_DIR/lib-slurm.sh"

# job_field <task> <key>: a field of `scontrol show job` of the task's job
job_field () {
	scontrol --oneliner show job "$(job_of "$1")" >job.out &&
	tr " " "\n" <job.out | sed -n "s/^$2=//p"
}

test_expect_success 'setup' '
	slurm_repo
'

test_expect_success 'add --mem and --cpus become the job'"'"'s --mem and --cpus-per-task' '
	(
		cd repo &&
		git para add --mem 100M --cpus 2 \
			--command "echo \$SLURM_MEM_PER_NODE:\$SLURM_CPUS_PER_TASK:\$PARA_MEM >res" res &&
		git para run res
	) &&
	echo 100:2:100M >expect &&
	git -C repo-worktrees/res show HEAD:res >actual &&
	test_cmp expect actual &&
	test 100M = "$(job_field res MinMemoryNode)" &&
	test 2 = "$(job_field res MinCPUsNode)"
'

test_expect_success 'para.slurmOptions asking for memory or CPUs itself wins' '
	(
		cd repo &&
		git -c para.slurmOptions="--mem=50M -c 1" para run --rerun res
	) &&
	echo 50:1:100M >expect &&
	git -C repo-worktrees/res show HEAD:res >actual &&
	test_cmp expect actual &&
	git -C repo -c para.slurmOptions="--mem-per-cpu=20M --cpus-per-task=1" \
		para run --rerun res &&
	test 20M = "$(job_field res MinMemoryCPU)" &&
	test 1 = "$(job_field res MinCPUsNode)"
'

test_expect_success 'a manifest'"'"'s mem and cpus reach Slurm too' '
	cat >tasks.ini <<-\EOF &&
	[man]
	mem = 30M
	cpus = 1
	EOF
	(
		cd repo &&
		git para add --from ../tasks.ini &&
		git -c para.command="echo \$SLURM_MEM_PER_NODE:\$SLURM_CPUS_PER_TASK >man" \
			para run man
	) &&
	echo 30:1 >expect &&
	git -C repo-worktrees/man show HEAD:man >actual &&
	test_cmp expect actual
'

test_expect_success 'more memory than any node has: the job can never start, it is cancelled and fails' '
	(
		cd repo &&
		git para add --mem 100000G --command "touch ran" huge &&
		test_must_fail git para run huge >../out 2>&1
	) &&
	id=$(job_of huge) &&
	grep "^huge: failed: Slurm job $id can never start (BadConstraints): cancelled" out &&
	test failed = "$(cd repo && test_state huge)" &&
	test_path_is_missing repo-worktrees/huge/ran &&
	ls repo/.git/para/jobs >left &&
	test_must_be_empty left
'

test_expect_success 'sbatch refusing a job: the task fails with its word' '
	(
		cd repo &&
		git para add --command "touch ran" refused &&
		test_must_fail git -c para.slurmOptions=--constraint=nosuchfeature \
			para run refused >../out 2>&1
	) &&
	grep "^refused: failed: sbatch failed: Batch job submission failed: Invalid feature specification" out &&
	test failed = "$(cd repo && test_state refused)" &&
	test -z "$(cd repo && test_state refused run.jobId)" &&
	test_path_is_missing repo-worktrees/refused/ran &&
	ls repo/.git/para/jobs >left &&
	test_must_be_empty left
'

test_expect_success 'more CPUs than its partition has: Slurm will not let the job go, it is cancelled and fails' '
	(
		cd repo &&
		git para add --cpus 64 --command "touch ran" wide &&
		git para add --after wide --command "touch ran" after-wide &&
		test_must_fail git para run wide after-wide >../out 2>&1
	) &&
	id=$(job_of wide) &&
	grep "^wide: failed: cannot release Slurm job $id: Requested partition configuration not available now for job $id in" out &&
	grep "^after-wide: skipped: dependency .wide. did not succeed" out &&
	test failed = "$(cd repo && test_state wide)" &&
	test CANCELLED = "$(slurm_job_state $id)" &&
	test_path_is_missing repo-worktrees/wide/ran &&
	grep "^=== attempt 1 failed: cannot release Slurm job $id" repo/.git/para/logs/wide.log &&
	ls repo/.git/para/jobs >left &&
	test_must_be_empty left
'

test_expect_success 'a job pending for a reason that never clears is cancelled, its task fails' '
	(
		cd repo &&
		git para add --command "touch ran" nodes &&
		test_must_fail git -c para.slurmOptions=--nodes=2 \
			para run nodes >../out 2>&1
	) &&
	id=$(job_of nodes) &&
	grep "^nodes: failed: Slurm job $id can never start (PartitionNodeLimit): cancelled" out &&
	test CANCELLED = "$(slurm_job_state $id)" &&
	test_path_is_missing repo-worktrees/nodes/ran
'

test_expect_success 'no job is left in Slurm' '
	test_wait_for 15 slurm_quiet
'

test_done
