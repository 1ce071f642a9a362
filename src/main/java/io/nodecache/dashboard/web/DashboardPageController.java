package io.nodecache.dashboard.web;

import io.nodecache.dashboard.ClusterMonitor;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The dashboard's pages. Each renders the dashboard layout; the figures are fetched by the page's module from
 * {@code /api/v1/cluster}, the API scripts use too ({@code docs/dashboard-api.md}).
 */
@Controller
class DashboardPageController {

    private final ClusterMonitor monitor;
    private final CurrentUser users;

    DashboardPageController(ClusterMonitor monitor, CurrentUser users) {
        this.monitor = monitor;
        this.users = users;
    }

    /** Who is signed in, for the header, and whether (and why not) the page's switches work for them. */
    @org.springframework.web.bind.annotation.ModelAttribute
    void user(jakarta.servlet.http.HttpServletRequest request, Model model) {
        io.nodecache.dashboard.auth.DashboardUser user = users.of(request);
        model.addAttribute("user", user);
        model.addAttribute("authMode", users.mode());
        model.addAttribute("switchDenied", user == null ? "not signed in" : user.switchDenied());
    }

    @GetMapping("/")
    String overview(Model model) {
        return page(model, "overview");
    }

    @GetMapping("/pods")
    String pods(Model model) {
        return page(model, "pods");
    }

    @GetMapping("/pods/{namespace}/{pod}")
    String pod(@PathVariable String namespace, @PathVariable String pod, Model model) {
        model.addAttribute("namespace", namespace);
        model.addAttribute("pod", pod);
        return page(model, "pod");
    }

    /** A client IP no pod is known for: the same page, keyed by the IP. */
    @GetMapping("/clients/{ip}")
    String client(@PathVariable String ip, Model model) {
        model.addAttribute("ip", ip);
        return page(model, "pod");
    }

    @GetMapping("/queries")
    String queries(Model model) {
        return page(model, "queries");
    }

    private String page(Model model, String name) {
        model.addAttribute("page", name);
        model.addAttribute("demo", monitor.demo());
        return "dashboard/" + name;
    }
}
