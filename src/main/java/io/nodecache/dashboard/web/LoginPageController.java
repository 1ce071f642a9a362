package io.nodecache.dashboard.web;

import io.nodecache.dashboard.auth.DashboardAuthProperties;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The login form of the {@code login} mode (Spring Security checks what it posts); other modes have none. */
@Controller
class LoginPageController {

    private final CurrentUser users;

    LoginPageController(CurrentUser users) {
        this.users = users;
    }

    @GetMapping("/login")
    String login(@RequestParam(required = false) String error, @RequestParam(required = false) String logout,
            Model model) {
        if (!users.mode().equals(DashboardAuthProperties.LOGIN)) {
            return "redirect:/";
        }
        model.addAttribute("error", error != null);
        model.addAttribute("loggedOut", logout != null);
        return "dashboard/login";
    }
}
