# Helpers for the tests of git para run --tmux and git para attach: a
# tmux server of the test's own (TMUX_TMPDIR in the trash directory),
# never the user's.

if ! command -v tmux >/dev/null 2>&1
then
	skip_all='tmux is not installed (make deps installs it)'
	test_done
fi

TMUX_TMPDIR="$TRASH_DIRECTORY/tmux" &&
mkdir -p "$TMUX_TMPDIR" &&
export TMUX_TMPDIR &&
unset TMUX TMUX_PANE

# the server's socket, as a plain `tmux` finds it
tmux_socket="$TMUX_TMPDIR/tmux-$(id -u)/default"

# stop_tmux: the test's tmux server ends (for test_when_finished)
stop_tmux () {
	# a client attached from one of its own panes holds up its exit
	_srv=$(tmux list-sessions -F "#{pid}" 2>/dev/null | sed -n 1p)
	tmux kill-server 2>/dev/null
	test -z "$_srv" || kill -9 "$_srv" 2>/dev/null
	return 0
}

# pane_shows <target> <text>: the pane's screen holds the text
pane_shows () {
	tmux capture-pane -p -t "$1" >screen 2>/dev/null &&
	grep -q -F -- "$2" screen
}

# window_of <name>: the task's window of session para-repo is there
window_of () {
	tmux list-windows -t =para-repo -F "#{window_name}" 2>/dev/null >windows &&
	grep -qx -- "$1" windows
}

# no_window <name>: the task has no window (or there is no session)
no_window () {
	! window_of "$1"
}
