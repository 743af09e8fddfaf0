build/cmd/usage.o: cmd/usage.c lib/error.h cmd/usage.h
lib/error.h:
cmd/usage.h:
