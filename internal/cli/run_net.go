package cli

import (
	"flag"

	"github.com/unboxed-go/unboxed/container"
)

// netOptions are run's network flags, as Docker names them.
type netOptions struct {
	mode    container.NetworkMode // "": none, or bridge with -p
	publish []container.PortMapping
	subnet  string
}

// addNetFlags defines --net, -p/--publish and --subnet on fs. Each value is
// checked as it is read, so a bad one stops run before anything starts.
func addNetFlags(fs *flag.FlagSet, o *netOptions) {
	fs.Func("net", "the network: `none` (only lo, the default), host (the host's) or bridge (root; a veth on "+container.BridgeName+")", func(s string) error {
		m, err := container.ParseNetworkMode(s)
		o.mode = m
		return err
	})
	publish := func(s string) error {
		p, err := container.ParsePublish(s)
		o.publish = append(o.publish, p)
		return err
	}
	fs.Func("publish", "forward `HOSTPORT:CONTAINERPORT[/tcp]`, a port of the host's 127.0.0.1 and bridge, to the container (repeatable; implies --net bridge)", publish)
	fs.Func("p", "short for --publish `HOSTPORT:CONTAINERPORT`", publish)
	fs.StringVar(&o.subnet, "subnet", "", "the bridge's IPv4 `CIDR` (default "+container.DefaultSubnet+")")
}
