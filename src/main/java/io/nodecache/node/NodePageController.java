package io.nodecache.node;

import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * The node console's pages. Each renders the shared layout with the node's summary; the figures themselves are
 * fetched by the page's module from {@code /api/v1}, so the pages and the cluster dashboard read the same API.
 */
@Controller
class NodePageController {

    private final NodeInfo info;

    NodePageController(NodeInfo info) {
        this.info = info;
    }

    @GetMapping("/")
    String overview(Model model) {
        return page(model, "overview");
    }

    @GetMapping("/queries")
    String queries(Model model) {
        return page(model, "queries");
    }

    @GetMapping("/chains")
    String chains(Model model) {
        return page(model, "chains");
    }

    private String page(Model model, String name) {
        // The header is rendered with the state at load time, so it is right before any script runs.
        model.addAttribute("summary", info.summary());
        model.addAttribute("page", name);
        return "node/" + name;
    }
}
