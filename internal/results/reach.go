package results

// Reach is the manifest's `reach`: the programs a run started, the files
// it read, the destinations it sent records to and the folders it wrote
// outside the run folder (the response cache), each with who did.
type Reach struct {
	// Confined is true when the experiment was confined (`confine: true`
	// or --confine): every program and file lies inside its folder.
	Confined bool `json:"confined"`
	// Programs are command lines, as started.
	Programs []Access `json:"programs"`
	// Files are absolute paths.
	Files []Access `json:"files"`
	// URLs are destinations, without credentials.
	URLs []Access `json:"urls"`
	// Writes are folders written outside the run folder.
	Writes []Access `json:"writes,omitempty"`
}

// Access is one entry of a Reach.
type Access struct {
	// Target is the command line, the path or the URL.
	Target string `json:"target"`
	// By names who reached it: "dataset", "pipeline triage", "metric judge",
	// "response cache".
	By []string `json:"by"`
}
