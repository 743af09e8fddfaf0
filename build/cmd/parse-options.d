build/cmd/parse-options.o: cmd/parse-options.c cmd/parse-options.h \
 lib/strvec.h cmd/usage.h
cmd/parse-options.h:
lib/strvec.h:
cmd/usage.h:
