# A stand-in for gh, for the tests of issues and pull requests: it
# serves the recorded JSON under $GH_DIR and records each call in
# $GH_DIR/log, one line per call, each argument in <>.
#
#   gh issue view <n> --json number,title,body,labels,url
#                         prints $GH_DIR/issue-<n>.json, or fails as gh
#                         does for an issue that does not exist
#   gh issue list --search <query> --json number
#                         prints $GH_DIR/list.json
#   gh pr create --base <b> --head <h> --title <t> --body-file <f> [--draft]
#                         keeps the body as $GH_DIR/body-<h>.md ('/' as
#                         '-') and prints the URL of pull request <n>,
#                         counting from 1
#   gh pr view <url> --json state,mergedAt,statusCheckRollup
#                         prints $GH_DIR/pr-<n>.json
#
# gh_issue <n> <title> <body>: records issue <n> as gh prints it.

gh_setup () {
	GH_DIR=$TRASH_DIRECTORY/gh &&
	export GH_DIR &&
	mkdir -p "$GH_DIR" "$TRASH_DIRECTORY/bin" &&
	cat >"$TRASH_DIRECTORY/bin/gh" <<-\GH &&
	#!/bin/sh
	{
		printf "gh"
		for a in "$@"; do printf " <%s>" "$a"; done
		printf " PARA_ISSUE=<%s> PARA_QUERY=<%s>\n" "$PARA_ISSUE" "$PARA_QUERY"
	} >>"$GH_DIR/log"
	test -n "$GH_FAIL" && { echo "$GH_FAIL" >&2; exit 1; }
	case "$1 $2" in
	"issue view")
		test "$4 $5" = "--json number,title,body,labels,url" ||
			{ echo "unknown arguments: $*" >&2; exit 2; }
		test -f "$GH_DIR/issue-$3.json" || {
			echo "GraphQL: Could not resolve to an issue or pull request with the number of $3. (repository.issue)" >&2
			exit 1
		}
		cat "$GH_DIR/issue-$3.json" ;;
	"issue list")
		test "$3" = "--search" && test "$5 $6" = "--json number" ||
			{ echo "unknown arguments: $*" >&2; exit 2; }
		cat "$GH_DIR/list.json" ;;
	"pr create")
		test "$3 $5 $7 $9" = "--base --head --title --body-file" ||
			{ echo "unknown arguments: $*" >&2; exit 2; }
		n=$(( $(cat "$GH_DIR/prs" 2>/dev/null || echo 0) + 1 ))
		echo $n >"$GH_DIR/prs"
		cp "${10}" "$GH_DIR/body-$(echo "$6" | tr / -).md"
		echo "Creating pull request for $6 into $4 in example/shop"
		echo
		echo "https://github.com/example/shop/pull/$n" ;;
	"pr view")
		test "$4 $5" = "--json state,mergedAt,statusCheckRollup" ||
			{ echo "unknown arguments: $*" >&2; exit 2; }
		n=${3##*/}
		test -f "$GH_DIR/pr-$n.json" || {
			echo "GraphQL: Could not resolve to a PullRequest with the number of $n. (repository.pullRequest)" >&2
			exit 1
		}
		cat "$GH_DIR/pr-$n.json" ;;
	*)
		echo "unknown command \"$1\" for \"gh\"" >&2
		exit 1 ;;
	esac
	GH
	chmod +x "$TRASH_DIRECTORY/bin/gh" &&
	PATH=$TRASH_DIRECTORY/bin:$PATH &&
	export PATH
}

# json_string <text>: <text> as the inside of a JSON string
json_string () {
	printf '%s' "$1" |
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' |
	awk 'BEGIN { ORS = "" } NR > 1 { print "\\n" } { print }'
}

gh_issue () {
	printf '{"body":"%s","labels":[{"id":"LA_kwDOJx1b8s8AAAABc","name":"bug","description":"Something is not working","color":"d73a4a"}],"number":%s,"title":"%s","url":"https://github.com/example/shop/issues/%s"}\n' \
		"$(json_string "$3")" "$1" "$(json_string "$2")" "$1" \
		>"$GH_DIR/issue-$1.json"
}

# gh_calls: the calls the stand-in saw, one a line
gh_calls () {
	cat "$GH_DIR/log" 2>/dev/null
}

# gh_pr <n> <OPEN|CLOSED|MERGED> [<check>...]: records pull request <n>
# as gh pr view prints it; each check is <name>=<conclusion> for a
# CheckRun (pending: an empty conclusion) or <name>:<state> for a
# StatusContext
gh_pr () {
	n=$1 state=$2 && shift 2 &&
	merged=null &&
	if test "$state" = MERGED; then merged="\"2026-01-05T10:00:00Z\""; fi &&
	checks= sep= &&
	for c in "$@"; do
		case "$c" in
		*=*)	name=${c%%=*} concl=${c#*=} &&
			status=COMPLETED &&
			test -n "$concl" || status=IN_PROGRESS &&
			checks="$checks$sep{\"__typename\":\"CheckRun\",\"completedAt\":\"2026-01-05T09:00:00Z\",\"conclusion\":\"$concl\",\"detailsUrl\":\"https://github.com/example/shop/actions/runs/1\",\"name\":\"$name\",\"startedAt\":\"2026-01-05T08:59:00Z\",\"status\":\"$status\",\"workflowName\":\"CI\"}" ;;
		*)	name=${c%%:*} st=${c#*:} &&
			checks="$checks$sep{\"__typename\":\"StatusContext\",\"context\":\"$name\",\"startedAt\":\"2026-01-05T08:59:00Z\",\"state\":\"$st\",\"targetUrl\":\"https://ci.example.com/1\"}" ;;
		esac &&
		sep=,
	done &&
	printf '{"mergedAt":%s,"state":"%s","statusCheckRollup":[%s]}\n' \
		"$merged" "$state" "$checks" >"$GH_DIR/pr-$n.json"
}
