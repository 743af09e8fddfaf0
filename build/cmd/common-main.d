build/cmd/common-main.o: cmd/common-main.c cmd/usage.h
cmd/usage.h:
