package dev.berth.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;

/** The desktop app. */
public final class BerthApp extends Application {
  public static void launchApp(String[] args) {
    Application.launch(BerthApp.class, args);
  }

  @Override
  public void start(Stage stage) {
    stage.setTitle("Berth");
    stage.setScene(new Scene(new Label("Berth"), 800, 600));
    stage.show();
  }
}
