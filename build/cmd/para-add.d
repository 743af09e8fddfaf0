build/cmd/para-add.o: cmd/para-add.c lib/base.h lib/config.h lib/repo.h \
 lib/strvec.h lib/command.h lib/strbuf.h cmd/cmd-config.h lib/config.h \
 lib/copy.h lib/domain.h lib/error.h lib/graph.h lib/manifest.h \
 cmd/parse-options.h lib/strvec.h lib/proc.h lib/task.h lib/repo.h \
 lib/state.h lib/lock.h cmd/usage.h
lib/base.h:
lib/config.h:
lib/repo.h:
lib/strvec.h:
lib/command.h:
lib/strbuf.h:
cmd/cmd-config.h:
lib/config.h:
lib/copy.h:
lib/domain.h:
lib/error.h:
lib/graph.h:
lib/manifest.h:
cmd/parse-options.h:
lib/strvec.h:
lib/proc.h:
lib/task.h:
lib/repo.h:
lib/state.h:
lib/lock.h:
cmd/usage.h:
