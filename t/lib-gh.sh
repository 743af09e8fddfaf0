# A stand-in for gh, for the tests of issues and pull requests: it
# serves the recorded JSON under $GH_DIR and records each call in
# $GH_DIR/log, one line per call, each argument in <>.
#
#   gh issue view <n> --json number,title,body,labels,url
#                         prints $GH_DIR/issue-<n>.json, or fails as gh
#                         does for an issue that does not exist
#   gh issue list --search <query> --json number
#                         prints $GH_DIR/list.json
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
