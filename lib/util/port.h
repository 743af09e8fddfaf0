#ifndef PARA_PORT_H
#define PARA_PORT_H

/*
 * 1 when TCP port `port` can be bound on the loopback address now (no
 * process listens there, on it or on every address), 0 when not.
 */
int para_port_bindable(int port);

#endif
