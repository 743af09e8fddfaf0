build/lib/graph.o: lib/graph.c lib/error.h lib/graph.h lib/strbuf.h
lib/error.h:
lib/graph.h:
lib/strbuf.h:
