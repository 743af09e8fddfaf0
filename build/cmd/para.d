build/cmd/para.o: cmd/para.c lib/strbuf.h cmd/usage.h
lib/strbuf.h:
cmd/usage.h:
