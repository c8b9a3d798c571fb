package container

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"syscall"
)

// portProxy publishes a container's ports the way docker-proxy and
// rootlesskit do: a listener per host address and port in the runtime, and
// for each connection a dial to the container's address, with bytes copied
// both ways. A kernel-side DNAT would need the host's firewall and, for
// 127.0.0.1, route_localnet; the proxy needs nothing but the runtime, and
// its listeners exist before the container starts, so a port in use is a
// clean failure of Start.
type portProxy struct {
	listeners []proxyListener
	mu        sync.Mutex
	conns     map[net.Conn]struct{}
	closed    bool
	wg        sync.WaitGroup
}

type proxyListener struct {
	net.Listener
	containerPort int
}

// listenPorts binds every mapping's host port on each of addrs.
func listenPorts(ports []PortMapping, addrs ...net.IP) (*portProxy, error) {
	p := &portProxy{conns: map[net.Conn]struct{}{}}
	for _, m := range ports {
		for _, a := range addrs {
			hostPort := net.JoinHostPort(a.String(), strconv.Itoa(m.HostPort))
			l, err := net.Listen("tcp4", hostPort)
			if err != nil {
				p.close()
				if errors.Is(err, syscall.EADDRINUSE) {
					err = fmt.Errorf("port %d is in use on %s (pick another, e.g. %d:%d)", m.HostPort, a, m.HostPort+1, m.ContainerPort)
				}
				return nil, &Error{Code: ExitRuntimeError, Op: "publish " + m.String(), Err: err}
			}
			p.listeners = append(p.listeners, proxyListener{l, m.ContainerPort})
		}
	}
	return p, nil
}

// serve accepts connections on every listener and forwards them to the
// container at ip, until close.
func (p *portProxy) serve(ip net.IP) {
	for _, l := range p.listeners {
		target := net.JoinHostPort(ip.String(), strconv.Itoa(l.containerPort))
		p.wg.Add(1)
		go func(l net.Listener) {
			defer p.wg.Done()
			for {
				conn, err := l.Accept()
				if err != nil {
					return // closed
				}
				go p.forward(conn, target)
			}
		}(l)
	}
}

// forward copies one connection to the container and back.
func (p *portProxy) forward(client net.Conn, target string) {
	if !p.track(client) {
		return
	}
	defer p.untrack(client)
	backend, err := net.Dial("tcp4", target)
	if err != nil {
		return
	}
	if !p.track(backend) {
		return
	}
	defer p.untrack(backend)
	done := make(chan struct{})
	go func() {
		_, _ = io.Copy(backend, client)
		_ = backend.(*net.TCPConn).CloseWrite() // pass the client's EOF on
		close(done)
	}()
	_, _ = io.Copy(client, backend)
	_ = client.(*net.TCPConn).CloseWrite()
	<-done
}

// track records an open connection, or closes it when the proxy is
// closing.
func (p *portProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		c.Close()
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *portProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
	c.Close()
}

// close stops listening and ends every forwarded connection. Safe on nil
// and more than once.
func (p *portProxy) close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.closed = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	for _, l := range p.listeners {
		l.Close()
	}
	p.wg.Wait()
}
