package fleet

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// expandPaths lists the files of paths: a file as given, a directory as
// every file under it whose name ends in one of exts, sorted (Hive
// partitions date=…/part-… come out in date order). Hidden files and
// directories (".…", "_…", as Hive and Spark write them) are skipped.
func expandPaths(paths []string, exts ...string) ([]string, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("fleet: no file or directory to read")
	}
	var out []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("fleet: %w", err)
		}
		if !fi.IsDir() {
			out = append(out, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if path != p && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() && slices.ContainsFunc(exts, func(e string) bool { return strings.HasSuffix(name, e) }) {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("fleet: %w", err)
		}
		slices.Sort(found)
		out = append(out, found...)
	}
	return out, nil
}
