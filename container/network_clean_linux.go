package container

import "errors"

// CleanStaleNetwork gives back what killed runtimes left of the network
// (for doctor --clean and the like): the IPAM leases, under
// DefaultStateDir, of runtimes that are gone (their veth pairs went with
// their containers' namespaces), and then the bridge BridgeName with its
// NAT table when no container uses it. It returns what it removed.
func CleanStaleNetwork() ([]string, error) { return cleanStaleNetwork(DefaultStateDir()) }

func cleanStaleNetwork(stateDir string) ([]string, error) {
	removed, live, err := reclaimLeases(stateDir)
	if err != nil || live > 0 {
		return removed, err
	}
	if !bridgeExists() {
		return removed, nil
	}
	var inUse *Error
	switch err := RemoveBridge(); {
	case errors.As(err, &inUse) && inUse.Op == "remove bridge":
		return removed, nil // a container of another state directory's
	case err != nil:
		return removed, err
	}
	return append(removed, "bridge "+BridgeName), nil
}
